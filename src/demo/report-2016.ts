/**
 * The 2016 report's survey figures as respondent COUNTS per question and group, chosen so that each
 * figure's base N is the published one (seed 000's captions) and every percentage its text states
 * rounds to the published value (test/demo/reproduce-2016.test.ts checks this through the API).
 * Where the seed gives only some categories, the rest are filled plausibly within the stated totals.
 * The respondents outside a base answer "Ved ikke" (required questions) or skip (optional ones).
 *
 * Leaders: 69 respondents; caseworkers: 132 (seed l. 998–999).
 */
type Counts = Record<string, number>;
type Group = 'ledere' | 'praktikere';
export type CountTable = Record<string, Partial<Record<Group, Counts>>>;

const f = (altid: number, naesten: number, ofte: number, sommetider: number, sjaeldent: number, aldrig: number): Counts => ({
  altid,
  naesten_altid: naesten,
  ofte,
  sommetider,
  sjaeldent,
  aldrig,
});

/** Single and scale questions: option code → respondents (the base). */
export const CHOICE_COUNTS: CountTable = {
  rolle: { ledere: { under: 37, under_og_efter: 20, andet: 12 }, praktikere: { under: 102, under_og_efter: 26, andet: 4 } },
  kontrakt_frist: { ledere: f(45, 23, 1, 0, 0, 0), praktikere: f(81, 35, 4, 3, 2, 1) },
  kontrakt_efter_frist: { ledere: { inden_1_md: 43, mellem_1_3_md: 19, over_3_md: 5 }, praktikere: { inden_1_md: 85, mellem_1_3_md: 12, over_3_md: 10 } },
  opfoelgning_frist: { ledere: f(19, 30, 5, 8, 6, 0), praktikere: f(40, 59, 5, 5, 7, 5) },
  individuelle_hensyn: { ledere: f(30, 28, 9, 1, 1, 0), praktikere: f(71, 36, 9, 6, 3, 1) },
  job_maal: { ledere: f(36, 23, 7, 2, 1, 0), praktikere: f(73, 32, 9, 4, 3, 0) },
  dansk_beskaeftigelse: { ledere: f(34, 22, 6, 4, 2, 0), praktikere: f(74, 31, 9, 4, 3, 1) },
  sanktioner: { ledere: f(24, 13, 8, 7, 4, 12), praktikere: f(87, 10, 4, 6, 6, 5) },
  helbred_frist: { ledere: f(49, 13, 2, 1, 1, 1), praktikere: f(87, 25, 6, 4, 2, 2) },
  helbred_efter_frist: { ledere: { inden_1_md: 37, mellem_1_3_md: 23, over_3_md: 4, aldrig: 2 }, praktikere: { inden_1_md: 62, mellem_1_3_md: 15, over_3_md: 12, aldrig: 2 } },
  maalgrupper_retningslinjer: { ledere: { ja: 10, nej: 56 } },
  maalgrupper_ja_nej: { praktikere: { ja: 31, nej: 81 } },
  helbred_integrationsplan: { ledere: f(23, 11, 8, 6, 13, 5), praktikere: f(46, 18, 5, 3, 22, 15) },
  helbred_opfoelgning: { ledere: f(26, 25, 5, 3, 4, 3), praktikere: f(21, 29, 17, 14, 14, 11) },
  samarbejde_laeger: {
    ledere: { rigtig_godt: 4, godt: 13, nogenlunde: 24, mindre_godt: 17, daarligt: 8 },
    praktikere: { rigtig_godt: 11, godt: 27, nogenlunde: 40, mindre_godt: 21, daarligt: 9 },
  },
  vaerdi: { ledere: { meget_hoej: 5, hoej: 15, nogen: 27, mindre: 14, slet_ikke: 5 } },
};

/** Multi-selects: the base (respondents answering) and, per option, how many of them chose it. */
export const MULTI_COUNTS: Record<string, Partial<Record<Group, { base: number; chosen: Counts }>>> = {
  kontrakt_aarsager: { praktikere: { base: 45, chosen: { travlhed: 36, sygdom: 9, andet: 6 } } },
  forstaaelse: {
    ledere: { base: 67, chosen: { gennemgaas: 64, informationsmateriale: 22, kurser: 17, andet: 6 } },
    praktikere: { base: 122, chosen: { gennemgaas: 118, informationsmateriale: 6, kurser: 18, andet: 13 } },
  },
  info_kontrakt: {
    ledere: { base: 67, chosen: { asyloperatoer: 34, papirer: 57, kompetenceafdaekning: 40, virksomhedsforloeb: 37, helbred: 48, andet: 7 } },
    praktikere: { base: 121, chosen: { asyloperatoer: 83, papirer: 97, kompetenceafdaekning: 42, virksomhedsforloeb: 36, helbred: 45, andet: 18 } },
  },
  info_opfoelgning: {
    ledere: { base: 67, chosen: { asyloperatoer: 20, papirer: 54, kompetenceafdaekning: 37, virksomhedsforloeb: 54, helbred: 50, sprogskole: 47, andet: 5 } },
    praktikere: { base: 121, chosen: { asyloperatoer: 42, papirer: 94, kompetenceafdaekning: 54, virksomhedsforloeb: 85, helbred: 87, sprogskole: 79, andet: 12 } },
  },
  opfoelgning_aarsager: { praktikere: { base: 41, chosen: { travlhed: 28, modtager_ikke: 8, andet: 15 } } },
};

/** Free texts that fit their questions (the report's own summaries of what was written, l. 370, 430, 450, 705, 711, 751, 788, 1009, 1023). */
export const TEXTS: Record<string, { share: number; texts: string[] }> = {
  rolle_other: { share: 1, texts: ['Arbejdsmarkedschef med et bredere ledelsesansvar', 'Jobcenterchef', 'Fagkoordinator for integrationsindsatsen', 'Sagsbehandler for aktivitetsparate kontanthjælpsmodtagere'] },
  kontrakt_aarsager_other: { share: 1, texts: ['Vi venter på oplysninger fra asylcentret', 'Der mangler tolk til det første møde'] },
  job_maal_hvorfor: { share: 0.5, texts: ['Sygdom hos udlændingen', 'Der er igangsat en afdækning af de medbragte kompetencer', 'Vi afventer resultatet af helbreds- eller kompetenceafdækningen'] },
  forstaaelse_other: { share: 1, texts: ['Dækkende tolkning på møderne har stor betydning', 'Vi sætter god tid af til det første møde, hvor kontrakten udarbejdes'] },
  info_kontrakt_other: { share: 1, texts: ['Oplysninger fra familiekonsulent eller mentor', 'Oplysninger fra frivillige', 'Mundtlige oplysninger fra borgeren selv'] },
  info_opfoelgning_other: { share: 1, texts: ['Oplysninger fra mentor eller familiekonsulent', 'Mundtlige oplysninger fra borgeren selv'] },
  maalgrupper_hvilke: { share: 0.8, texts: ['Unge uledsagede flygtninge', 'Flygtninge med begrænsede sygejournaler fra asylcenteroperatøren', 'Flygtninge uden oplysninger om helbredet før indrejsen, fx fra UNHCR'] },
  maalgrupper_karakteristik: { share: 0.8, texts: ['Flere mænd end kvinder siger nej', 'Unge siger oftere nej end ældre', 'Nogle siger nej i første omgang, men vælger undersøgelsen senere'] },
  opfoelgning_aarsager_other: { share: 1, texts: ['Mangel på læger lokalt', 'Lang ventetid hos lægen', 'Borgerne møder ikke op til undersøgelsen', 'Attesterne er ringe og ikke brugbare'] },
  vaerdi_kommentar: { share: 0.3, texts: ['Helbredsoplysningerne er betydningsfulde for tilrettelæggelsen af indsatsen', 'Helbredsoplysningerne kommer for sent', 'Vurderingerne er ikke konkrete nok til, at vi kan bruge dem'] },
};

/** Respondents per group (seed l. 998–999) and the municipality plan: 49 with both groups, 20 leaders only, 14 caseworkers only (83 in all, l. 1000). */
export const PLAN = { leaders: 69, caseworkers: 132, both: 49, leadersOnly: 20, caseworkersOnly: 14, threeCaseworkers: 20, twoCaseworkers: 29 };
