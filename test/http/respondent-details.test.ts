/**
 * Respondent-side details of fieldwork: Danish numbers, an error summary that names the question, one
 * help text on multi-selects, and pages (also 410/404) that are never cached.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateSubmission } from '../../src/survey/answers.ts';
import { API_KEY, Client, parsePage, questionnaireByGroup, startApp, theStudy, type Running } from './helpers.ts';
import { fillForm, fullPlan, walk } from './walk.ts';

let app: Running;
beforeEach(async () => {
  app = await startApp({ config: { rateLimit: 'off' } });
});
afterEach(async () => {
  await app.close();
});

describe('respondent details', () => {
  it('reads "12.000" as twelve thousand (then refused by the maximum), never as 12', () => {
    const study = theStudy(app.definitions);
    const qn = questionnaireByGroup(study, /praktiker/i);
    const frame = app.definitions.frames.get(study.frame)!;
    const problemsOf = (value: string) => {
      const result = validateSubmission(qn, frame, { municipality: '147', answers: { antal_kontrakter: value } }, { hidden: 'drop' });
      return result.ok ? [] : result.problems.filter((p) => p.question === 'antal_kontrakter').map((p) => p.message);
    };
    expect(problemsOf('12.000')).toEqual(['Tallet må ikke være større end 1000.']);
    expect(problemsOf('1.000')).toEqual([]);
    expect(problemsOf('12')).toEqual([]);
    expect(problemsOf('1.000,5')).toEqual(['Skriv et helt tal.']);
  });

  it('"Andet, angiv": a text typed in the box with no option chosen chooses "Andet" (without JavaScript, on the server)', async () => {
    // Through the page: the first page posted with only the text chooses "andet" and keeps the text.
    const client = new Client(app.url);
    const page = parsePage(await (await client.get('/s/integration_2016/ledere/p/1')).text());
    const res = await client.postForm(page.action, { state: page.state, rolle_other: 'Integrationskoordinator' });
    const again = parsePage(await res.text());
    expect(again.filled.get('rolle')).toEqual(['andet']);
    expect(again.filled.get('rolle_other')).toEqual(['Integrationskoordinator']);
  });

  it('names the question in the error summary', async () => {
    const client = new Client(app.url);
    const page = parsePage(await (await client.get('/s/integration_2016/ledere/p/1')).text());
    const res = await client.postForm(page.action, { state: page.state });
    const summary = parsePage(await res.text()).errorSummary!;
    const qn = questionnaireByGroup(theStudy(app.definitions), /leder/i);
    const first = qn.sections[0]!.questions.find((q) => q.required && q.type !== 'municipality') ?? qn.sections[0]!.questions[0]!;
    expect(summary).toContain(`${first.text}: `);
    expect(summary).not.toMatch(/(Vælg et svar\.\s*){2}/);
  });

  it('shows one help text on a multi-select, never both "Sæt gerne flere kryds." and "Du kan vælge flere svar."', async () => {
    const qn = questionnaireByGroup(theStudy(app.definitions), /leder/i);
    const client = new Client(app.url);
    let res = await client.get('/s/integration_2016/ledere/p/1');
    const fieldsets: string[] = [];
    for (let i = 0; i < 30 && res.status === 200; i += 1) {
      const html = await res.text();
      fieldsets.push(...(html.match(/<fieldset[\s\S]*?<\/fieldset>/g) ?? []));
      const page = parsePage(html);
      res = await client.postForm(page.action, fillForm(qn, page, fullPlan('147')));
    }
    expect(res.status).toBe(303);
    const multi = fieldsets.filter((f) => f.includes('type="checkbox"'));
    expect(multi.length).toBeGreaterThanOrEqual(3);
    // The question's own help ("Sæt gerne flere krydser. …") replaces the generic one; never both.
    expect(multi.some((f) => /Sæt gerne flere kryds/.test(f))).toBe(true);
    for (const f of multi) {
      expect((f.match(/<p class="help"/g) ?? []).length, f.slice(0, 200)).toBe(1);
      expect(Number(/Sæt gerne flere kryds/.test(f)) + Number(f.includes('Du kan vælge flere svar.'))).toBe(1);
    }
  });

  it('sends Cache-Control: no-store on the front page, questionnaire pages and 410/404 pages', async () => {
    for (const path of ['/', '/s/integration_2016/ledere', '/s/integration_2016/ledere/p/1', '/i/AAAAAAAAAAAAAAAAAAAAAA', '/s/integration_2016/findes-ikke']) {
      const res = await fetch(app.url + path);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
    await app.store.fieldwork.setWindow('integration_2016', 'ledere', { mode: 'closed', openLinks: true });
    const closed = await fetch(`${app.url}/s/integration_2016/ledere`);
    expect(closed.status).toBe(410);
    expect(closed.headers.get('cache-control')).toBe('no-store');
  });

  it('the page shown names its own address: its form posts to it and Content-Location says so; a later page is never rebuilt by a GET', async () => {
    const qn = questionnaireByGroup(theStudy(app.definitions), /praktiker/i);
    const client = new Client(app.url);
    const first = parsePage(await (await client.get('/s/integration_2016/praktikere/p/1')).text());
    expect(first.action).toBe('/s/integration_2016/praktikere/p/1');
    const res = await client.postForm(first.action, fillForm(qn, first, fullPlan('147')));
    expect(res.status).toBe(200);
    const second = parsePage(await res.text());
    expect(second.heading).toBe(qn.sections[1]!.title);
    expect(second.action).toBe('/s/integration_2016/praktikere/p/2');
    expect(res.headers.get('content-location')).toBe('/s/integration_2016/praktikere/p/2');
    // An error shows the same page at its own address.
    const wrong = await client.postForm(second.action, { state: second.state, action: 'next' });
    expect(wrong.status).toBe(400);
    expect(wrong.headers.get('content-location')).toBe('/s/integration_2016/praktikere/p/2');
    expect(parsePage(await wrong.text()).heading).toBe(qn.sections[1]!.title);
    // Page 2 cannot be shown without the answers of page 1: its GET leads to the landing page.
    const direct = await client.get('/s/integration_2016/praktikere/p/2');
    expect(direct.status).toBe(303);
    expect(direct.headers.get('location')).toBe('/s/integration_2016/praktikere');
  });

  it('counts in the progress bar only the pages this respondent will see', async () => {
    const qn = questionnaireByGroup(theStudy(app.definitions), /praktiker/i);
    const hiddenSection = qn.sections.findIndex((s) => s.questions.every((q) => q.showIf !== undefined));
    expect(hiddenSection).toBeGreaterThan(0);
    const labels = async (deadline: string) => {
      const { pages } = await walk(new Client(app.url), qn, '/s/integration_2016/praktikere/p/1', fullPlan('147', { kontrakt_frist: deadline }));
      return pages.map((p) => p.pageLabel);
    };
    // "Altid" hides the section on delays: five pages, counted as five.
    expect(await labels('altid')).toEqual(['Side 1 af 5', 'Side 2 af 5', 'Side 3 af 5', 'Side 4 af 5', 'Side 5 af 5']);
    // "Næsten altid" opens it once answered: six pages from then on.
    expect(await labels('naesten_altid')).toEqual(['Side 1 af 5', 'Side 2 af 5', 'Side 3 af 6', 'Side 4 af 6', 'Side 5 af 6', 'Side 6 af 6']);
  });

  it('shows the thank-you page only after a submission: visited directly, /s/…/tak and /i/…/tak lead to the landing page', async () => {
    const study = theStudy(app.definitions);
    const qn = questionnaireByGroup(study, /praktiker/i);
    const created = await fetch(`${app.url}/api/v1/studies/${study.id}/invitations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ questionnaire: qn.id, municipalities: ['147'], uses: 3 }),
    });
    expect(created.status).toBe(201);
    const linkPath = new URL(((await created.json()) as { url: string }[])[0]!.url).pathname;
    for (const [start, landing] of [
      ['/s/integration_2016/praktikere/p/1', '/s/integration_2016/praktikere'],
      [`${linkPath}/p/1`, linkPath],
    ] as const) {
      const direct = await new Client(app.url).get(`${landing}/tak`);
      expect(direct.status, landing).toBe(303);
      expect(direct.headers.get('location')).toBe(landing);
      expect(await direct.text()).not.toContain('Tak for dine svar');

      const client = new Client(app.url);
      const { final } = await walk(client, qn, start, fullPlan('147'));
      expect(final.headers.get('location')).toBe(`${landing}/tak`);
      const thanks = await client.get(`${landing}/tak`);
      expect(thanks.status).toBe(200);
      expect(await thanks.text()).toContain('Tak for dine svar');
    }
  });

  it('a dead link\'s page leads to a page about personal links, never to the front page where any municipality can be picked', async () => {
    const dead = await fetch(`${app.url}/i/AAAAAAAAAAAAAAAAAAAAAA`);
    expect(dead.status).toBe(404);
    const html = await dead.text();
    expect(html).not.toContain('href="/"');
    expect(html).toContain('<a href="/i">Om personlige links</a>');
    const about = await fetch(`${app.url}/i`);
    expect(about.status).toBe(200);
    const text = await about.text();
    expect(text).toContain('Virker dit link ikke længere');
    expect(text).not.toMatch(/href="\/(s\/[^"]*)?"/);
    expect(text).not.toContain('<select');
    // The front page, for comparison, offers open links whose first page lets anyone pick a municipality.
    expect(await (await fetch(`${app.url}/`)).text()).toContain('href="/s/integration_2016/');
    // Elsewhere the error page still leads to the front page.
    expect(await (await fetch(`${app.url}/s/integration_2016/findes-ikke`)).text()).toContain('<a href="/">Til forsiden</a>');
  });

  it('writes ranges on the pages with en dashes: "60–80 pct.", "40–60 pct.", "1–3 måneder"', async () => {
    const qn = questionnaireByGroup(theStudy(app.definitions), /praktiker/i);
    const client = new Client(app.url);
    const first = parsePage(await (await client.get('/s/integration_2016/praktikere/p/1')).text());
    const html = await (await client.postForm(first.action, fillForm(qn, first, fullPlan('147')))).text();
    for (const range of ['Ofte (60–80 pct.)', 'Sommetider (40–60 pct.)', '1–3 måneder efter fristens udløb']) expect(html).toContain(range);
    expect(html).not.toMatch(/\d-\d+ (pct|måned)/);
  });
});
