/**
 * The Danish invitation and reminder texts, their placeholders and rendering (pure).
 *
 *   {link}           the recipient's invitation link (required in every text)
 *   {frist}          the answering deadline
 *   {kontaktperson}  the study's contact person
 *   {kommune}        the municipality's name
 *   {navn}           the recipient's name (empty when unknown)
 *   {videresend}     the link of the questionnaire to forward (leaders: the caseworker link, k uses)
 */
import { problems, type ProblemDetail } from '../errors.ts';
import { ZMailTexts, type TMailTexts } from './schema.ts';

export const PLACEHOLDERS = ['link', 'frist', 'kontaktperson', 'kommune', 'navn', 'videresend'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const STORED =
  'Vi gemmer din e-mailadresse til udsendelsen af invitationer og påmindelser og sletter den, når dataindsamlingen er slut. ' +
  'Dine svar gemmes uden navn og e-mailadresse og kan ikke kobles til dig eller til denne e-mail.';

export function defaultTexts(title: string): TMailTexts {
  return ZMailTexts.parse({
    invitation: {
      subject: `Invitation: ${title}`,
      body:
        `Kære {navn}\n\nDu inviteres hermed til at besvare spørgeskemaet »${title}« for {kommune} Kommune.\n\n` +
        `Brug dette link: {link}\n\nSvar gerne senest {frist}. Du kan gemme undervejs og vende tilbage via samme link.\n\n` +
        `Spørgsmål kan rettes til {kontaktperson}.\n\n${STORED}\n\nVenlig hilsen\nEvalueringen`,
    },
    reminder: {
      subject: `Påmindelse: ${title}`,
      body:
        `Kære {navn}\n\nVi har endnu ikke modtaget svar fra {kommune} Kommune på spørgeskemaet »${title}«. ` +
        `Har du allerede svaret, kan du se bort fra denne e-mail.\n\nDit link er det samme som før: {link}\n\n` +
        `Svar gerne senest {frist}. Spørgsmål kan rettes til {kontaktperson}.\n\n${STORED}\n\nVenlig hilsen\nEvalueringen`,
    },
  });
}

/** Every {name} in a text that is not a placeholder, and whether {link} is there. */
export function checkText(field: string, text: string, forward: boolean): ProblemDetail[] {
  const found: ProblemDetail[] = [];
  for (const m of text.matchAll(/\{([^{}\s]*)\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!)) found.push({ path: field, message: `Ukendt felt {${m[1]}}: brug ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}.` });
    else if (m[1] === 'videresend' && !forward) found.push({ path: field, message: 'Feltet {videresend} kræver, at et spørgeskema at videresende er valgt.' });
  }
  return found;
}

/** Validates texts as the evaluator sent them; throws 400.2 naming every bad field. */
export function parseTexts(input: unknown): TMailTexts {
  const parsed = ZMailTexts.safeParse(input);
  if (!parsed.success) throw problems.invalidInput(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join(' '), parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const t = parsed.data;
  const details = [
    ...checkText('invitation.body', t.invitation.body, t.forward !== undefined),
    ...checkText('reminder.body', t.reminder.body, t.forward !== undefined),
    ...checkText('invitation.subject', t.invitation.subject, false),
    ...checkText('reminder.subject', t.reminder.subject, false),
  ];
  for (const kind of ['invitation', 'reminder'] as const) if (!t[kind].body.includes('{link}')) details.push({ path: `${kind}.body`, message: 'Teksten skal indeholde {link}.' });
  if (details.length > 0) throw problems.invalidInput(details.map((d) => d.message).join(' '), details);
  return t;
}

/** The text with its placeholders filled in. */
export function render(text: string, values: Partial<Record<Placeholder, string>>): string {
  return text
    .replace(/\{([a-z]+)\}/g, (whole, name: string) => ((PLACEHOLDERS as readonly string[]).includes(name) ? (values[name as Placeholder] ?? '') : whole));
}
