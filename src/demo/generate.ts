/**
 * A seeded, deterministic synthetic dataset for `npm start -- --demo`: about 69 leaders in 69
 * municipalities and 132 caseworkers in 63 municipalities (1–3 each), as in the 2016 report, with
 * answers whose distributions echo the report's published percentages (Figur 1: leaders 65 %
 * "altid", 33 % "næsten altid"; caseworkers 64 % / 28 %, …). Every record is clearly synthetic
 * and labelled as demo data by the app. Pure: no disk, no clock, no Math.random.
 *
 * Shares are allocated by largest remainder and then shuffled, so a question shown to N
 * respondents reproduces the target shares as closely as N allows (not only on average).
 */
import type { TFrame } from '../frame/schema.ts';
import { isQuestionVisible } from '../survey/condition.ts';
import type { TAnswers, TQuestion, TQuestionnaire, TResponse, TStudy } from '../survey/schema.ts';

/** Target shares in percent per option code, per questionnaire group ("ledere"/"praktikere"). */
type Shares = Record<string, number>;
type Targets = Record<string, { ledere?: Shares; praktikere?: Shares }>;

const FREQ = ['altid', 'naesten_altid', 'ofte', 'sommetider', 'sjaeldent', 'aldrig', 'ved_ikke'];
const TIMING = ['inden_1_md', 'mellem_1_3_md', 'over_3_md', 'aldrig', 'ved_ikke'];
const zip = (codes: string[], values: number[]): Shares => Object.fromEntries(codes.map((c, i) => [c, values[i] ?? 0]));
const freq = (l: number[], p: number[]) => ({ ledere: zip(FREQ, l), praktikere: zip(FREQ, p) });

/** Single/scale questions: the report's figures (percentages as published, gaps filled plausibly). */
const SINGLE: Targets = {
  rolle: { ledere: { under: 54, under_og_efter: 29, andet: 17 }, praktikere: { under: 77, under_og_efter: 20, andet: 3 } },
  kontrakt_frist: freq([65, 33, 1, 0, 0, 0, 1], [64, 28, 4, 2, 1, 0, 1]),
  kontrakt_efter_frist: { ledere: zip(TIMING, [64, 27, 6, 1, 2]), praktikere: zip(TIMING, [79, 11, 8, 0, 2]) },
  opfoelgning_frist: freq([28, 44, 10, 7, 9, 0, 2], [33, 49, 4, 2, 6, 4, 2]),
  individuelle_hensyn: freq([43, 41, 13, 2, 1, 0, 0], [56, 29, 7, 5, 2, 1, 0]),
  job_maal: freq([52, 33, 10, 3, 1, 0, 1], [60, 27, 7, 3, 2, 0, 1]),
  dansk_beskaeftigelse: freq([50, 32, 10, 4, 3, 0, 1], [61, 25, 8, 2, 2, 1, 1]),
  sanktioner: freq([35, 19, 12, 10, 6, 18, 0], [74, 8, 4, 5, 5, 4, 0]),
  helbred_frist: freq([73, 20, 2, 2, 1, 2, 0], [69, 20, 5, 3, 2, 1, 0]),
  helbred_efter_frist: { ledere: zip(TIMING, [56, 30, 6, 3, 5]), praktikere: zip(TIMING, [68, 12, 13, 2, 5]) },
  maalgrupper_retningslinjer: { ledere: { ja: 15, nej: 80, ved_ikke: 5 } },
  maalgrupper_ja_nej: { praktikere: { ja: 28, nej: 55, ved_ikke: 17 } },
  helbred_integrationsplan: freq([35, 17, 12, 8, 20, 7, 1], [42, 17, 5, 2, 20, 14, 0]),
  helbred_opfoelgning: freq([40, 37, 8, 5, 6, 3, 1], [20, 27, 12, 13, 14, 10, 4]),
  samarbejde_laeger: {
    ledere: { rigtig_godt: 6, godt: 20, nogenlunde: 36, mindre_godt: 26, daarligt: 12, ved_ikke: 0 },
    praktikere: { rigtig_godt: 10, godt: 25, nogenlunde: 37, mindre_godt: 20, daarligt: 8, ved_ikke: 0 },
  },
  vaerdi: { ledere: { meget_hoej: 8, hoej: 22, nogen: 41, mindre: 22, slet_ikke: 7, ved_ikke: 0 } },
};

/** Multi-selects: the share (percent) choosing each option; bars need not sum to 100. */
const INFO_KONTRAKT = {
  ledere: { asyloperatoer: 51, papirer: 85, kompetenceafdaekning: 60, virksomhedsforloeb: 55, helbred: 72, sprogskole: 50, andet: 10 },
  praktikere: { asyloperatoer: 69, papirer: 80, kompetenceafdaekning: 35, virksomhedsforloeb: 30, helbred: 37, sprogskole: 40, andet: 15 },
};
const MULTI: Targets = {
  kontrakt_aarsager: { praktikere: { travlhed: 80, sygdom: 20, udeblivelse: 10, andet: 10 } },
  forstaaelse: {
    ledere: { gennemgaas: 95, informationsmateriale: 33, kurser: 25, tolk: 30, andet: 8 },
    praktikere: { gennemgaas: 97, informationsmateriale: 5, kurser: 15, tolk: 35, andet: 10 },
  },
  info_kontrakt: INFO_KONTRAKT,
  info_opfoelgning: {
    ledere: { asyloperatoer: 30, papirer: 80, kompetenceafdaekning: 55, virksomhedsforloeb: 80, helbred: 75, sprogskole: 70, andet: 8 },
    praktikere: { asyloperatoer: 35, papirer: 78, kompetenceafdaekning: 45, virksomhedsforloeb: 70, helbred: 72, sprogskole: 65, andet: 10 },
  },
  opfoelgning_aarsager: { praktikere: { travlhed: 68, modtager_ikke: 20, andet: 30 } },
};

const OTHER_TEXTS = [
  'Tolkning på møderne har stor betydning.',
  'Vi sætter god tid af til det første møde.',
  'Oplysninger fra familiekonsulent eller mentor.',
  'Mangel på læger lokalt og lang ventetid.',
  'Arbejdsmarkedschef med bredere ansvar.',
];
const COMMENTS = ['Helbredsoplysningerne kommer ofte for sent.', 'Attesterne er ikke altid konkrete nok.', 'Fristerne er svære at nå i perioder med mange nye borgere.'];

/** mulberry32: a small, well-known 32-bit PRNG; the same seed gives the same stream everywhere. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** n draws whose counts follow `shares` by largest remainder, in random order. */
function allocate(codes: string[], shares: Shares, n: number, random: () => number): string[] {
  const total = codes.reduce((s, c) => s + (shares[c] ?? 0), 0) || codes.length;
  const exact = codes.map((c) => ((shares[c] ?? (total === codes.length ? 1 : 0)) / total) * n);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0, left = n - counts.reduce((s, c) => s + c, 0); k < left; k += 1) counts[order[k % order.length]![1]]! += 1;
  return shuffle(codes.flatMap((c, i) => Array<string>(counts[i]!).fill(c)), random);
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
function demoId(random: () => number): string {
  let id = 'demo';
  for (let i = 0; i < 18; i += 1) id += ID_ALPHABET[Math.floor(random() * 64)];
  return id;
}

export interface DemoOptions {
  seed: number;
  /** Submission day of every response; default: spread over the report's fieldwork, 2–13 Nov 2015. */
  day?: string;
  /** Respondents per group; default the report's 69 leaders and 132 caseworkers. */
  leaders?: number;
}

const FIELDWORK_DAYS = ['2015-11-02', '2015-11-03', '2015-11-04', '2015-11-05', '2015-11-06', '2015-11-09', '2015-11-10', '2015-11-11', '2015-11-12', '2015-11-13'];

type Plan = { municipality: string; index: number }[];

/** Which municipalities answer: 49 with both groups, 20 leaders only, 14 caseworkers only (69 + 63, 83 in all). */
function planMunicipalities(frame: TFrame, random: () => number): { leaders: Plan; caseworkers: Plan } {
  const eligible = shuffle(frame.municipalities.filter((m) => m.eligible).map((m) => m.code), random);
  const scale = eligible.length / 87;
  const both = Math.round(49 * scale);
  const leaderOnly = Math.round(20 * scale);
  const caseworkerOnly = Math.round(14 * scale);
  const leaderMunis = eligible.slice(0, both + leaderOnly);
  const caseworkerMunis = [...eligible.slice(0, both), ...eligible.slice(both + leaderOnly, both + leaderOnly + caseworkerOnly)];
  // 1–3 caseworkers per municipality: 20 with three, 29 with two, the rest one (132 for 63 municipalities).
  const perMunicipality = shuffle(
    caseworkerMunis.map((_, i) => (i < Math.round(20 * scale) ? 3 : i < Math.round(49 * scale) ? 2 : 1)),
    random,
  );
  return {
    leaders: leaderMunis.map((municipality, index) => ({ municipality, index })),
    caseworkers: caseworkerMunis.flatMap((municipality, i) => Array.from({ length: perMunicipality[i]! }, () => municipality)).map((municipality, index) => ({ municipality, index })),
  };
}

function groupKey(questionnaire: TQuestionnaire): 'ledere' | 'praktikere' {
  return questionnaire.id === 'ledere' || questionnaire.group.toLowerCase().startsWith('leder') ? 'ledere' : 'praktikere';
}

/**
 * Fills the answers of one questionnaire for `plan.length` respondents, question by question in
 * questionnaire order, so that showIf sees the earlier answers and allocation covers exactly the
 * respondents each question is shown to.
 */
function answerAll(questionnaire: TQuestionnaire, n: number, random: () => number): TAnswers[] {
  const group = groupKey(questionnaire);
  const answers: TAnswers[] = Array.from({ length: n }, () => ({}));
  for (const q of questionnaire.sections.flatMap((s) => s.questions)) {
    if (q.type === 'municipality') continue;
    const shown = answers.map((a, i) => (isQuestionVisible(q, a) ? i : -1)).filter((i) => i >= 0);
    if (shown.length === 0) continue;
    fillQuestion(q, group, shown, answers, random);
  }
  return answers;
}

function fillQuestion(q: TQuestion, group: 'ledere' | 'praktikere', shown: number[], answers: TAnswers[], random: () => number): void {
  const setOther = (i: number, code: string, options: { code: string; other: boolean }[]) => {
    if (options.some((o) => o.other && o.code === code)) answers[i]![`${q.id}_other`] = OTHER_TEXTS[Math.floor(random() * OTHER_TEXTS.length)]!;
  };
  switch (q.type) {
    case 'single':
    case 'scale': {
      const codes = q.options.map((o) => o.code);
      const drawn = allocate(codes, SINGLE[q.id]?.[group] ?? {}, shown.length, random);
      shown.forEach((i, k) => {
        answers[i]![q.id] = drawn[k]!;
        setOther(i, drawn[k]!, q.options);
      });
      return;
    }
    case 'multi': {
      const shares = MULTI[q.id]?.[group] ?? {};
      const chosen = shown.map(() => new Set<string>());
      for (const o of q.options) {
        if (o.nonSubstantive) continue;
        const pct = shares[o.code] ?? 30;
        const picks = allocate(['yes', 'no'], { yes: pct, no: 100 - pct }, shown.length, random);
        picks.forEach((p, k) => p === 'yes' && chosen[k]!.add(o.code));
      }
      shown.forEach((i, k) => {
        const set = chosen[k]!;
        if (set.size === 0) set.add(q.options[0]!.code);
        const list = q.options.filter((o) => set.has(o.code)).map((o) => o.code).slice(0, q.maxSelected ?? q.options.length);
        answers[i]![q.id] = list;
        for (const code of list) setOther(i, code, q.options);
      });
      return;
    }
    case 'number': {
      shown.forEach((i) => {
        if (!q.required && random() < 0.2) return;
        const lo = q.min ?? 0;
        const hi = Math.min(q.max ?? lo + 60, lo + 60);
        answers[i]![q.id] = Math.round(lo + random() * (hi - lo));
      });
      return;
    }
    case 'text': {
      shown.forEach((i) => {
        if (!q.required && random() < 0.85) return;
        answers[i]![q.id] = COMMENTS[Math.floor(random() * COMMENTS.length)]!;
      });
      return;
    }
    case 'municipality':
      return;
  }
}

export function generateDemoResponses(study: TStudy, frame: TFrame, options: DemoOptions): TResponse[] {
  const random = prng(options.seed);
  const plan = planMunicipalities(frame, random);
  const out: TResponse[] = [];
  for (const questionnaire of study.questionnaires) {
    const who = groupKey(questionnaire) === 'ledere' ? plan.leaders : plan.caseworkers;
    const answers = answerAll(questionnaire, who.length, random);
    who.forEach(({ municipality }, k) => {
      out.push({
        id: demoId(random),
        study: study.id,
        questionnaire: questionnaire.id,
        version: questionnaire.version,
        municipality,
        day: options.day ?? FIELDWORK_DAYS[Math.floor(random() * FIELDWORK_DAYS.length)]!,
        answers: answers[k]!,
      });
    });
  }
  return out;
}
