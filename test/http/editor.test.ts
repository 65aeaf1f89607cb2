/**
 * The questionnaire editor through the real app: an evaluator edits a copy of the 2016 study with
 * plain forms (no JavaScript), and every save lands in the draft that the API shows; refused saves
 * show each problem next to its field and change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, csrfTokenOf, decodeEntities, signIn, startApp, type Running } from './helpers.ts';
import { copyOf2016, draftOf, errorNextTo, formFields, publish, QN, questionIn, questionsOf, withFields } from './editor-helpers.ts';

let app: Running;
let client: Client;
let copies = 0;

beforeAll(async () => {
  app = await startApp({ config: { rateLimit: 'off' } });
  client = new Client(app.url);
  expect((await signIn(client)).status).toBe(303);
});
afterAll(async () => {
  await app.close();
});

/** A fresh copy of the 2016 study and the address of its leader questionnaire's editor. */
async function freshCopy(): Promise<{ study: string; base: string }> {
  const study = `kopi_${++copies}`;
  await copyOf2016(app, study);
  return { study, base: `/admin/studies/${study}/questionnaires/${QN}/edit` };
}

async function html(path: string, status = 200): Promise<string> {
  const res = await client.get(path);
  const text = await res.text();
  expect(res.status, `${path}: ${text.slice(0, 500)}`).toBe(status);
  return text;
}

async function post(path: string, form: URLSearchParams, status = 303): Promise<{ res: Response; text: string }> {
  const res = await client.postForm(path, form);
  const text = await res.text();
  expect(res.status, `${path}: ${text.slice(0, 800)}`).toBe(status);
  return { res, text };
}

/** Posts one of the structure page's small forms (move / duplicate / delete) as the page has it. */
async function structureButton(base: string, action: string, direction?: 'up' | 'down', status = 303) {
  const page = await html(base);
  const forms = [...page.matchAll(/<form method="post" action="([^"]+)" class="inline-form">([\s\S]*?)<\/form>/g)].filter((m) => m[1] === action && (!direction || m[2]!.includes(`value="${direction}"`)));
  expect(forms.length, `a form ${action} ${direction ?? ''}`).toBe(1);
  const fields = new URLSearchParams();
  for (const m of forms[0]![2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields.append(m[1]!, decodeEntities(m[2]!));
  return post(action, fields, status);
}

describe('the structure page', () => {
  it('lists every section and question with its type, id, condition and figure, and links to versions and test mode', async () => {
    const { study, base } = await freshCopy();
    const page = await html(base);
    const { questionnaire } = await draftOf(app, study);
    for (const s of questionnaire.sections) expect(page).toContain(`id="s-${s.id}"`);
    for (const q of questionsOf(questionnaire)) expect(page).toContain(`<a href="${base}/questions/${q.id}">Rediger<span class="visually-hidden"> spørgsmålet ${q.id}</span></a>`);
    const withCondition = questionsOf(questionnaire).find((q) => q.showIf)!;
    expect(page).toContain(`id="q-${withCondition.id}"`);
    expect(page).toMatch(/Vises kun hvis /);
    expect(page).toMatch(/Figur \d+: /);
    expect(page).toContain(`href="/admin/studies/${study}/questionnaires/${QN}/versions"`);
    expect(page).toContain(`href="/admin/studies/${study}/questionnaires/${QN}/test"`);
    expect(page).toContain(`${base}/sections/${questionnaire.sections[0]!.id}/new-question`);
  });

  it('is read-only for a template, with a pointer to copying it', async () => {
    const page = await html(`/admin/studies/integration_2016/questionnaires/${QN}/edit`);
    expect(page).toContain('Skabelonen kan ikke ændres');
    expect(page).toContain('href="/admin/studies"');
    expect(page).not.toContain('/move"');
    expect(page).not.toContain('/new-question');
    const form = new URLSearchParams({ _csrf: csrfTokenOf(page), revision: '1', direction: 'up' });
    const first = (await draftOf(app, 'kopi_1')).questionnaire.sections[0]!.questions[1]!.id;
    const refused = await client.postForm(`/admin/studies/integration_2016/questionnaires/${QN}/edit/questions/${first}/move`, form);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('Fejlkode 409.4');
  });
});

describe('questions', () => {
  it('adds a question of every type through its form; option codes come from the labels', async () => {
    const { study, base } = await freshCopy();
    const section = (await draftOf(app, study)).questionnaire.sections[1]!.id;
    const made: Record<string, Record<string, string | string[]>> = {
      single: { text: 'Har kommunen en strategi?', 'options[0].label': 'Ja', 'options[1].label': 'Nej', 'options[2].label': 'Ved ikke', 'options[2].nonSubstantive': 'on' },
      multi: { text: 'Hvilke tilbud bruges?', 'options[0].label': 'Sprogskole', 'options[1].label': 'Praktik', 'options[2].label': 'Andet, angiv', 'options[2].other': 'on', minSelected: '1' },
      scale: { text: 'Hvor ofte når I fristen?', 'options[0].label': 'Altid', 'options[1].label': 'Næsten altid', 'options[2].label': 'Aldrig' },
      text: { text: 'Hvad virker godt?', maxLength: '800' },
      number: { text: 'Hvor mange sager har du?', min: '0', max: '500', integer: 'on', unit: 'sager' },
      municipality: { text: 'Hvilken kommune?', required: 'on' },
    };
    // A questionnaire has at most one municipality question: the copy's own goes first.
    const own = questionsOf((await draftOf(app, study)).questionnaire).find((q) => q.type === 'municipality')!;
    await structureButton(base, `${base}/questions/${own.id}/delete`);
    const before = questionsOf((await draftOf(app, study)).questionnaire).length;
    for (const [type, fields] of Object.entries(made)) {
      const page = await html(`${base}/sections/${section}/new-question?type=${type}`);
      expect(page).toContain(`<option value="${type}" selected>`);
      const form = withFields(formFields(page), { ...fields, action: 'save' });
      const res = await client.postForm(`${base}/sections/${section}/new-question`, form);
      const body = await res.text();
      expect(res.status, `${type}: ${/<div id="fejlopsummering"[\s\S]*?<\/div>/.exec(body)?.[0]}`).toBe(303);
      expect(res.headers.get('location')).toMatch(new RegExp(`^${base}\\?gemt=1#q-`));
    }
    const draft = (await draftOf(app, study)).questionnaire;
    expect(questionsOf(draft).length).toBe(before + 6);
    const added = draft.sections[1]!.questions.slice(-6);
    expect(added.map((q) => q.type)).toEqual(['single', 'multi', 'scale', 'text', 'number', 'municipality']);
    expect(added[5]).toEqual({ id: 'hvilken_kommune', type: 'municipality', text: 'Hvilken kommune?', required: true });
    expect(added[0]).toMatchObject({ id: 'har_kommunen_en_strategi', text: 'Har kommunen en strategi?', options: [{ code: 'ja' }, { code: 'nej' }, { code: 'ved_ikke', nonSubstantive: true }] });
    expect(added[1]).toMatchObject({ minSelected: 1, options: [{ code: 'sprogskole' }, { code: 'praktik' }, { code: 'andet_angiv', other: true }] });
    expect(added[2]).toMatchObject({ options: [{ code: 'altid' }, { code: 'naesten_altid' }, { code: 'aldrig' }] });
    expect(added[3]).toMatchObject({ type: 'text', maxLength: 800 });
    expect(added[4]).toMatchObject({ type: 'number', min: 0, max: 500, integer: true, unit: 'sager' });
  });

  it('refuses a second municipality question with the message on the form, and keeps what was typed', async () => {
    const { study, base } = await freshCopy();
    const section = (await draftOf(app, study)).questionnaire.sections[1]!.id;
    const before = await draftOf(app, study);
    const page = await html(`${base}/sections/${section}/new-question?type=municipality`);
    const { text } = await post(`${base}/sections/${section}/new-question`, withFields(formFields(page), { text: 'Hvilken kommune, igen?' }), 400);
    expect(text).toContain('municipality questions (at most 1)');
    expect(text).toContain('Hvilken kommune, igen?');
    expect(await draftOf(app, study)).toEqual(before);
  });

  it('edits options: a new option gets its code from the label, and a published option keeps its code', async () => {
    const { study, base } = await freshCopy();
    const q = questionsOf((await draftOf(app, study)).questionnaire).find((x) => x.type === 'scale' && !x.showIf)!;
    if (!('options' in q)) throw new Error('a scale question has options');
    await publish(app, study);
    const page = await html(`${base}/questions/${q.id}`);
    // The published codes are read-only on the form.
    expect(page).toMatch(new RegExp(`name="options\\[0\\]\\.code" value="${q.options[0]!.code}"[^>]* readonly`));
    const n = q.options.length;
    const form = withFields(formFields(page), { 'options[0].label': 'Helt altid', 'options[0].code': 'forsoeg_paa_ny_kode', [`options[${n}].label`]: 'Næsten aldrig', [`options[${n}].code`]: '' });
    await post(`${base}/questions/${q.id}`, form);
    const saved = questionIn((await draftOf(app, study)).questionnaire, q.id)!;
    if (!('options' in saved)) throw new Error('still a choice');
    expect(saved.options[0]).toMatchObject({ code: q.options[0]!.code, label: 'Helt altid' });
    expect(saved.options.at(-1)).toMatchObject({ code: 'naesten_aldrig', label: 'Næsten aldrig' });
    expect(saved.options.slice(1, n)).toEqual(q.options.slice(1));
    // Without JavaScript an option, published or not, is removed by ticking its box (one the figure does not use).
    const used = new Set([...(saved.figure?.combined.flatMap((c) => c.options) ?? []), saved.figure?.headline]);
    const gone = saved.options.findIndex((o, i) => i < n && !used.has(o.code));
    expect(gone).toBeGreaterThanOrEqual(0);
    const again = await html(`${base}/questions/${q.id}`);
    await post(`${base}/questions/${q.id}`, withFields(formFields(again), { [`options[${gone}].remove`]: 'on' }));
    const removed = questionIn((await draftOf(app, study)).questionnaire, q.id)!;
    if (!('options' in removed)) throw new Error('still a choice');
    expect(removed.options.map((o) => o.code)).toEqual(saved.options.filter((_, i) => i !== gone).map((o) => o.code));
  });

  it('adds a condition on an earlier question; one on a later question is refused next to the field and nothing changes', async () => {
    const { study, base } = await freshCopy();
    const draft = (await draftOf(app, study)).questionnaire;
    const all = questionsOf(draft);
    const earlier = all.find((x) => x.type === 'single' && !x.showIf)!;
    if (!('options' in earlier)) throw new Error('single has options');
    const at = all.indexOf(earlier);
    const target = all.slice(at + 1).find((x) => !x.showIf && x.type !== 'municipality')!;
    const page = await html(`${base}/questions/${target.id}`);
    // Only earlier questions are offered.
    expect(page).toContain(`<option value="${earlier.id}">`);
    const later = all.at(-1)!;
    expect(page).not.toContain(`<option value="${later.id}">`);
    const code = earlier.options[0]!.code;
    await post(`${base}/questions/${target.id}`, withFields(formFields(page), { 'showIf.question': earlier.id, 'showIf.operator': 'equals', 'showIf.values': `${earlier.id}:${code}` }));
    expect(questionIn((await draftOf(app, study)).questionnaire, target.id)!.showIf).toEqual({ question: earlier.id, equals: code });

    // A condition on a question that comes later: refused, the message next to the question field, the draft as it was.
    const before = await draftOf(app, study);
    const again = await html(`${base}/questions/${target.id}`);
    const { text } = await post(`${base}/questions/${target.id}`, withFields(formFields(again), { 'showIf.question': later.id, 'showIf.operator': 'answered' }), 400);
    expect(errorNextTo(text, 'f-showIf-question')).toContain(`"${later.id}", which is not an earlier question`);
    expect(text).toMatch(/<select id="f-showIf-question" name="showIf.question" aria-invalid="true" aria-describedby="f-showIf-question-fejl">/);
    expect(text).toContain('<a href="#f-showIf-question">');
    expect(text).toContain(`<option value="${later.id}" selected>`);
    expect(await draftOf(app, study)).toEqual(before);
  });

  it('shows a bad value next to its field, with the values typed kept', async () => {
    const { study, base } = await freshCopy();
    const q = questionsOf((await draftOf(app, study)).questionnaire).find((x) => x.type === 'text')!;
    const before = await draftOf(app, study);
    const page = await html(`${base}/questions/${q.id}`);
    const { text } = await post(`${base}/questions/${q.id}`, withFields(formFields(page), { text: 'Ny tekst der bevares', maxLength: 'mange', id: 'Ugyldigt Id' }), 400);
    expect(errorNextTo(text, 'f-maxLength')).toMatch(/number/);
    expect(errorNextTo(text, 'f-id')).toContain('lower-case letters');
    expect(text).toContain('value="mange"');
    expect(text).toContain('>Ny tekst der bevares</textarea>');
    expect(await draftOf(app, study)).toEqual(before);
  });

  it('moves, duplicates and deletes questions with the small forms of the structure page', async () => {
    const { study, base } = await freshCopy();
    const ids = async () => (await draftOf(app, study)).questionnaire.sections.map((s) => s.questions.map((q) => q.id));
    const start = await ids();
    const [a, b] = start[0]!;
    await structureButton(base, `${base}/questions/${b}/move`, 'up');
    expect((await ids())[0]!.slice(0, 2)).toEqual([b, a]);
    await structureButton(base, `${base}/questions/${b}/move`, 'down');
    expect(await ids()).toEqual(start);
    await structureButton(base, `${base}/questions/${a}/duplicate`);
    expect((await ids())[0]!.slice(0, 3)).toEqual([a, `${a}_2`, b]);
    await structureButton(base, `${base}/questions/${a}_2/delete`);
    expect(await ids()).toEqual(start);
  });

  it('refuses to delete a question another one depends on, naming the dependent question on the page', async () => {
    const { study, base } = await freshCopy();
    const draft = (await draftOf(app, study)).questionnaire;
    const dependent = questionsOf(draft).find((q) => q.showIf && 'question' in q.showIf)!;
    const on = (dependent.showIf as { question: string }).question;
    const before = await draftOf(app, study);
    const { text } = await structureButton(base, `${base}/questions/${on}/delete`, undefined, 400);
    expect(text).toContain(`showIf refers to &#34;${on}&#34;, which is not an earlier question`);
    expect(text).toContain(`<a href="#q-${dependent.id}">`);
    expect(await draftOf(app, study)).toEqual(before);
  });

  it('sets a figure: number, title, a combined category, the headline and what counts in the base', async () => {
    const { study, base } = await freshCopy();
    const q = questionsOf((await draftOf(app, study)).questionnaire).find((x) => x.type === 'scale' && x.figure && x.figure.combined.length === 0 && !x.figure.includeNonSubstantive)!;
    if (!('options' in q)) throw new Error('a scale question has options');
    const [first, second] = q.options;
    const page = await html(`${base}/questions/${q.id}`);
    expect(page).toContain(`name="figure.number" value="${q.figure!.number}"`);
    const form = withFields(formFields(page), {
      'figure.title': 'Ny figurtitel', 'figure.includeNonSubstantive': 'on',
      'figure.combined[0].label': 'De to første', 'figure.combined[0].code': '', 'figure.combined[0].options': [first!.code, second!.code],
      'figure.headline': 'de_to_foerste',
    });
    await post(`${base}/questions/${q.id}`, form);
    const saved = questionIn((await draftOf(app, study)).questionnaire, q.id)!;
    expect(saved.figure).toMatchObject({ number: q.figure!.number, title: 'Ny figurtitel', includeNonSubstantive: true, headline: 'de_to_foerste', combined: [{ code: 'de_to_foerste', label: 'De to første', options: [first!.code, second!.code] }] });
    // A figure number another question already has: refused next to the field.
    const other = questionsOf((await draftOf(app, study)).questionnaire).find((x) => x.figure && x.id !== q.id)!;
    const again = await html(`${base}/questions/${q.id}`);
    const { text } = await post(`${base}/questions/${q.id}`, withFields(formFields(again), { 'figure.number': String(other.figure!.number) }), 400);
    expect(errorNextTo(text, 'f-figure-number')).toContain(`is already drawn from "${other.id}"`);
  });

  it('without JavaScript: "more options" and "change type" show the form again with what was typed, saving nothing', async () => {
    const { study, base } = await freshCopy();
    const q = questionsOf((await draftOf(app, study)).questionnaire).find((x) => x.type === 'multi')!;
    const before = await draftOf(app, study);
    const page = await html(`${base}/questions/${q.id}`);
    const rows = (h: string) => [...h.matchAll(/name="options\[(\d+)\]\.label"/g)].length;
    const { text } = await post(`${base}/questions/${q.id}`, withFields(formFields(page), { text: 'Ændret tekst', action: 'more' }), 200);
    expect(rows(text)).toBe(rows(page) + 3);
    expect(text).toContain('>Ændret tekst</textarea>');
    const retyped = await post(`${base}/questions/${q.id}`, withFields(formFields(text), { type: 'text', action: 'retype' }), 200);
    expect(retyped.text).toContain('<option value="text" selected>');
    expect(retyped.text).toContain('name="maxLength"');
    expect(rows(retyped.text)).toBe(0);
    expect(await draftOf(app, study)).toEqual(before);
  });

  it('"Andet, angiv" on a new option; a second one in the same question is refused', async () => {
    const { study, base } = await freshCopy();
    const q = questionsOf((await draftOf(app, study)).questionnaire).find((x) => 'options' in x && !x.options.some((o) => o.other))!;
    if (!('options' in q)) throw new Error('a choice has options');
    const n = q.options.length;
    const page = await html(`${base}/questions/${q.id}`);
    await post(`${base}/questions/${q.id}`, withFields(formFields(page), { [`options[${n}].label`]: 'Andet, angiv', [`options[${n}].other`]: 'on' }));
    const saved = questionIn((await draftOf(app, study)).questionnaire, q.id)!;
    if (!('options' in saved)) throw new Error('still multi');
    expect(saved.options.at(-1)).toEqual({ code: 'andet_angiv', label: 'Andet, angiv', nonSubstantive: false, other: true });
    const again = await html(`${base}/questions/${q.id}`);
    const { text } = await post(`${base}/questions/${q.id}`, withFields(formFields(again), { [`options[${n + 1}].label`]: 'Andet igen', [`options[${n + 1}].other`]: 'on' }), 400);
    expect(errorNextTo(text, 'f-options')).toContain('more than one "other" option');
  });

  it('two saves from the same revision: the first is saved, the second is shown a conflict with its text kept', async () => {
    const { study, base } = await freshCopy();
    const q = questionsOf((await draftOf(app, study)).questionnaire).find((x) => x.type === 'text')!;
    const pageA = await html(`${base}/questions/${q.id}`);
    const pageB = await html(`${base}/questions/${q.id}`);
    await post(`${base}/questions/${q.id}`, withFields(formFields(pageA), { text: 'Tekst fra Anne' }));
    const { text } = await post(`${base}/questions/${q.id}`, withFields(formFields(pageB), { text: 'Tekst fra Bo' }), 412);
    expect(text).toContain('En anden har gemt kladden');
    expect(text).toContain('>Tekst fra Bo</textarea>');
    expect(questionIn((await draftOf(app, study)).questionnaire, q.id)!.text).toBe('Tekst fra Anne');
    // Bo saw the conflict and saves again from the page he was shown: now his text replaces Anne's, knowingly.
    await post(`${base}/questions/${q.id}`, formFields(text));
    expect(questionIn((await draftOf(app, study)).questionnaire, q.id)!.text).toBe('Tekst fra Bo');
  });

  it('two structure changes from the same page: the second is refused with a conflict, nothing of it saved', async () => {
    const { study, base } = await freshCopy();
    const page = await html(base);
    const token = csrfTokenOf(page);
    const revision = /name="revision" value="(\d+)"/.exec(page)![1]!;
    const [a, b] = (await draftOf(app, study)).questionnaire.sections[0]!.questions;
    await post(`${base}/questions/${b!.id}/move`, new URLSearchParams({ _csrf: token, revision, direction: 'up' }));
    const after = await draftOf(app, study);
    const { text } = await post(`${base}/questions/${a!.id}/delete`, new URLSearchParams({ _csrf: token, revision }), 412);
    expect(text).toContain('En anden har gemt kladden');
    expect(text).toContain(`id="q-${a!.id}"`);
    expect(await draftOf(app, study)).toEqual(after);
  });

  it('shows the question in the preview with the respondent page\'s own markup', async () => {
    const { study, base } = await freshCopy();
    const q = questionsOf((await draftOf(app, study)).questionnaire).find((x) => x.type === 'single')!;
    if (!('options' in q)) throw new Error('single has options');
    const page = await html(`${base}/questions/${q.id}`);
    const preview = page.slice(page.indexOf('id="editor-forhaandsvisning"'));
    expect(preview).toContain(`<fieldset class="question" id="q-${q.id}"`);
    for (const o of q.options) expect(preview).toContain(`<input type="radio" id="${q.id}-${o.code}" name="${q.id}" value="${o.code}">`);
  });
});

describe('sections', () => {
  it('changes a section\'s title and intro, adds one with a first question, and moves, copies and deletes sections', async () => {
    const { study, base } = await freshCopy();
    const first = (await draftOf(app, study)).questionnaire.sections[0]!;
    const page = await html(`${base}/sections/${first.id}`);
    await post(`${base}/sections/${first.id}`, withFields(formFields(page), { title: 'Om kommunen', intro: 'Først lidt om kommunen.' }));
    expect((await draftOf(app, study)).questionnaire.sections[0]).toMatchObject({ id: first.id, title: 'Om kommunen', intro: 'Først lidt om kommunen.' });

    const add = await html(`${base}/new-section`);
    await post(`${base}/new-section`, withFields(formFields(add), { title: 'Afsluttende spørgsmål' }));
    const added = (await draftOf(app, study)).questionnaire.sections.at(-1)!;
    expect(added).toMatchObject({ id: 'afsluttende_spoergsmaal', title: 'Afsluttende spørgsmål', questions: [{ type: 'text' }] });

    const order = async () => (await draftOf(app, study)).questionnaire.sections.map((s) => s.id);
    const start = await order();
    await structureButton(base, `${base}/sections/${added.id}/move`, 'up');
    expect((await order()).slice(-2)).toEqual([added.id, start.at(-2)]);
    await structureButton(base, `${base}/sections/${added.id}/duplicate`);
    expect(await order()).toContain(`${added.id}_2`);
    await structureButton(base, `${base}/sections/${added.id}_2/delete`);
    await structureButton(base, `${base}/sections/${added.id}/delete`);
    expect(await order()).toEqual(start.slice(0, -1));
  });

  it('refuses an empty title next to the field, nothing saved', async () => {
    const { study, base } = await freshCopy();
    const first = (await draftOf(app, study)).questionnaire.sections[0]!;
    const before = await draftOf(app, study);
    const page = await html(`${base}/sections/${first.id}`);
    const { text } = await post(`${base}/sections/${first.id}`, withFields(formFields(page), { title: '' }), 400);
    expect(errorNextTo(text, 'f-title')).toBeTruthy();
    expect(await draftOf(app, study)).toEqual(before);
  });
});

describe('POST …/edit/check', () => {
  it('gives the problems of a posted form and its preview, with the CSRF token in a header; stores nothing', async () => {
    const { study, base } = await freshCopy();
    const q = questionsOf((await draftOf(app, study)).questionnaire).find((x) => x.type === 'single')!;
    const page = await html(`${base}/questions/${q.id}`);
    const form = Object.fromEntries(withFields(formFields(page), { 'options[0].code': 'Ikke En Kode' }));
    const before = await draftOf(app, study);
    const res = await client.postJson(`${base}/check`, { form, question: q.id }, { 'x-csrf-token': csrfTokenOf(page) });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { problems: { path: string }[]; fields: { href?: string }[]; preview: string };
    expect(answer.problems.map((p) => p.path)).toEqual([expect.stringMatching(/^sections\[\d+\]\.questions\[\d+\]\.options\[0\]\.code$/)]);
    expect(answer.fields[0]!.href).toBe('#f-options-0-code');
    // An invalid question is previewed as it is saved.
    expect(answer.preview).toContain(`id="q-${q.id}"`);
    const definition = await client.postJson(`${base}/check`, { definition: { ...before.questionnaire, sections: [] } }, { 'x-csrf-token': csrfTokenOf(page) });
    expect(((await definition.json()) as { problems: { path: string }[] }).problems.map((p) => p.path)).toContain('sections');
    const noToken = await client.postJson(`${base}/check`, { form, question: q.id });
    expect(noToken.status).toBe(403);
    expect(await draftOf(app, study)).toEqual(before);
  });
});

describe('the questionnaire form', () => {
  it('changes the title, group, intro and minutes; a bad value is named next to its field, a stale form is a conflict, nothing saved', async () => {
    const { study, base } = await freshCopy();
    const page = await html(`${base}/questionnaire`);
    const form = formFields(page);
    expect(form.get('title')).toBe((await draftOf(app, study)).questionnaire.title);

    const bad = await post(`${base}/questionnaire`, withFields(form, { minutes: 'ti', group: '' }), 400);
    expect(errorNextTo(bad.text, 'f-minutes')).toBeTruthy();
    expect(errorNextTo(bad.text, 'f-group')).toBeTruthy();
    expect(bad.text).toContain('value="ti"');
    const before = await draftOf(app, study);
    expect(before.questionnaire.group).toBe('Ledere');

    await post(`${base}/questionnaire`, withFields(form, { title: 'Ledere 2027', group: 'Ledelse', minutes: '12', intro: 'Første afsnit.\n\nAndet afsnit.' }));
    const after = (await draftOf(app, study)).questionnaire;
    expect([after.title, after.group, after.minutes, after.intro]).toEqual(['Ledere 2027', 'Ledelse', 12, 'Første afsnit.\n\nAndet afsnit.']);
    expect(after.sections).toEqual(before.questionnaire.sections);

    // The same (now stale) form again: 412, the posted text kept, the draft as it was.
    const stale = await post(`${base}/questionnaire`, withFields(form, { title: 'Forældet titel' }), 412);
    expect(stale.text).toContain('value="Forældet titel"');
    expect((await draftOf(app, study)).questionnaire.title).toBe('Ledere 2027');
    // A template's form is read-only.
    const template = await html(`/admin/studies/integration_2016/questionnaires/${QN}/edit/questionnaire`);
    expect(template).toContain('Skabelonen kan ikke ændres');
    expect((await client.postForm(`/admin/studies/integration_2016/questionnaires/${QN}/edit/questionnaire`, withFields(form, {}))).status).toBe(409);
  });
});
