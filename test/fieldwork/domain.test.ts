/**
 * The pure fieldwork and mail rules with known answers: response rates count link answers only, one
 * definition of "invited", derived link tokens, the retry rule, texts and contact lists.
 */
import { describe, expect, it } from 'vitest';
import { invitedMunicipalities, linkToken, responseRates, TOKEN_PATTERN, type TInvitation } from '../../src/fieldwork/index.ts';
import type { TFrame } from '../../src/frame/schema.ts';
import { readContacts } from '../../src/mail/contacts.ts';
import { afterFailure, MAX_ATTEMPTS } from '../../src/mail/schema.ts';
import { checkText, defaultTexts, parseTexts, render } from '../../src/mail/texts.ts';
import { appendixTables } from '../../src/report/appendix.ts';
import type { TResponse, TStudy } from '../../src/survey/schema.ts';

const frame = {
  id: 'f',
  regions: [
    { code: 'nord', name: 'Nord' },
    { code: 'syd', name: 'Syd' },
  ],
  municipalities: [
    { code: '101', name: 'A', region: 'nord', eligible: true, size: 1 },
    { code: '102', name: 'B', region: 'nord', eligible: true, size: 1 },
    { code: '201', name: 'C', region: 'syd', eligible: true, size: 1 },
    { code: '202', name: 'D', region: 'syd', eligible: false, size: 1 },
  ],
} as unknown as TFrame;
const study = { id: 's', questionnaires: [{ id: 'ledere', group: 'Ledere' }] } as unknown as TStudy;
const invitation = (municipality: string, used: number): TInvitation => ({
  tokenHash: `h${municipality}`,
  study: 's',
  questionnaire: 'ledere',
  municipality,
  uses: 3,
  used,
  completions: used ? { '2016-05-02': used } : {},
  createdDay: '2016-05-01',
  reminders: 0,
  revoked: false,
  generation: 0,
});
const response = (municipality: string, i: number): TResponse => ({ id: `r${String(i).padStart(15, '0')}`, study: 's', questionnaire: 'ledere', version: 1, municipality, day: '2016-05-02', answers: {} });

describe('response rates', () => {
  it('count only municipalities whose link was used; open-link answers are shown apart', () => {
    // 101 answered through its link (2 uses); 102 has a link but two open-link answers; 201 has no link.
    const responses = [response('101', 1), response('101', 2), response('102', 3), response('102', 4)];
    const [rates] = responseRates(study, frame, [invitation('101', 2), invitation('102', 0)], responses);
    expect(rates).toMatchObject({ invited: 3, withLink: 2, answered: 1, respondents: 4, linkRespondents: 2, openLinkRespondents: 2, rate: 1 / 3 });
    expect(rates!.notAnswered.map((m) => m.code)).toEqual(['102']);
    expect(rates!.byRegion.map((r) => [r.region, r.invited, r.answered])).toEqual([
      ['nord', 2, 1],
      ['syd', 1, 0],
    ]);
  });

  it('"invited" is the same set in the rates and the appendix figure', () => {
    expect(invitedMunicipalities(frame).map((m) => m.code)).toEqual(['101', '102', '201']);
    const [rates] = responseRates(study, frame, [], []);
    const share = (eligible?: ReadonlySet<string>) => appendixTables(study, frame, [{ label: 'Ledere', n: 0, perMunicipality: new Map(), tallies: [] } as never], eligible).find((t) => t.id.startsWith('andel-kommuner'))!;
    expect(share().caption).toContain(`(af ${rates!.invited} inviterede)`);
    // The study's own eligibility (the evaluator's choice) is "invited" in both.
    const chosen = new Set(['101', '201']);
    expect(invitedMunicipalities(frame, chosen).map((m) => m.code)).toEqual(['101', '201']);
    expect(share(chosen).caption).toContain('(af 2 inviterede)');
  });
});

describe('link tokens', () => {
  it('are derived from the secret, the place and the generation: the same link again, a new one when replaced', () => {
    const place = { study: 's', questionnaire: 'ledere', municipality: '101' };
    const t0 = linkToken('secret', place, 0);
    expect(t0).toMatch(TOKEN_PATTERN);
    expect(linkToken('secret', place, 0)).toBe(t0);
    expect(linkToken('secret', place, 1)).not.toBe(t0);
    expect(linkToken('other secret', place, 0)).not.toBe(t0);
    expect(linkToken('secret', { ...place, municipality: '102' }, 0)).not.toBe(t0);
  });
});

describe('the retry rule', () => {
  it('marks a 5xx reply permanent and backs off 30 s, 1, 2 … min (at most an hour) otherwise', () => {
    expect(afterFailure(1, 550, 0)).toEqual({ permanent: true, nextAttemptAt: 30_000 });
    expect(afterFailure(1, 421, 0)).toEqual({ permanent: false, nextAttemptAt: 30_000 });
    expect(afterFailure(2, undefined, 0)).toEqual({ permanent: false, nextAttemptAt: 60_000 });
    expect(afterFailure(3, 451, 1000)).toEqual({ permanent: false, nextAttemptAt: 121_000 });
    expect(afterFailure(MAX_ATTEMPTS - 1, 421, 0).nextAttemptAt).toBeLessThanOrEqual(3_600_000);
    expect(afterFailure(MAX_ATTEMPTS, 421, 0).permanent).toBe(true);
  });
});

describe('texts', () => {
  it('fill the placeholders and leave other braces alone', () => {
    expect(render('Kære {navn}, svar via {link} senest {frist} ({ukendt})', { navn: 'Anne', link: 'https://x/i/abc', frist: '1. juni' })).toBe('Kære Anne, svar via https://x/i/abc senest 1. juni ({ukendt})');
  });

  it('name an unknown placeholder, {videresend} without a questionnaire to forward, and a text without {link}', () => {
    expect(checkText('invitation.body', '{link} {lnk}', false).map((d) => d.message)).toEqual([expect.stringContaining('Ukendt felt {lnk}')]);
    expect(checkText('invitation.body', '{link} {videresend}', false)).toHaveLength(1);
    expect(checkText('invitation.body', '{link} {videresend}', true)).toEqual([]);
    const texts = defaultTexts('Ledere');
    expect(() => parseTexts({ ...texts, reminder: { subject: 'P', body: 'uden link' } })).toThrow(/Teksten skal indeholde \{link\}/);
    expect(parseTexts(texts)).toEqual(texts);
  });

  it('the default texts are Danish, carry {link}, and say what is stored', () => {
    const t = defaultTexts('Ledere');
    for (const kind of ['invitation', 'reminder'] as const) {
      expect(t[kind].body).toContain('{link}');
      expect(t[kind].body).toContain('sletter den, når dataindsamlingen er slut');
    }
    expect(t.reminder.body).toContain('Dit link er det samme som før');
  });
});

describe('contact lists', () => {
  const check = { questionnaires: ['ledere', 'praktikere'], municipalities: new Set(['101', '102']) };

  it('reads Danish Excel CSV (BOM, semicolons, CRLF) and lower-cases addresses', () => {
    const read = readContacts('s', '\ufeffmunicipality;questionnaire;email;name\r\n101;ledere;Anne@Kommune.DK;Anne Jensen\r\n102;praktikere;b@kommune.dk;\r\n', check);
    expect(read).toEqual({
      ok: true,
      contacts: [
        { study: 's', questionnaire: 'ledere', municipality: '101', email: 'anne@kommune.dk', name: 'Anne Jensen' },
        { study: 's', questionnaire: 'praktikere', municipality: '102', email: 'b@kommune.dk' },
      ],
    });
  });

  it('reports every bad row by its line and returns no contact', () => {
    const read = readContacts('s', 'municipality,questionnaire,email\n101,ledere,a@kommune.dk\n999,ledere,b@kommune.dk\n101,chefer,c\n101,ledere,a@kommune.dk', check);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.problems.map((p) => p.path)).toEqual(['linje 3', 'linje 4', 'linje 4', 'linje 5']);
    expect(read.problems.map((p) => p.message).join(' ')).toMatch(/»999«.*»chefer«.*e-mailadresse.*linje 2/);
    // A row with too few fields is named by its line.
    expect(readContacts('s', 'municipality,questionnaire,email\n101,ledere,a@kommune.dk\n102,ledere', check)).toEqual({ ok: false, problems: [{ path: 'linje 3', message: 'Linjen har 2 felter, overskriften 3.' }] });
  });

  it('refuses a header that is not municipality,questionnaire,email[,name]', () => {
    expect(readContacts('s', 'kommune,email\n101,a@kommune.dk', check)).toEqual({ ok: false, problems: [{ path: 'linje 1', message: expect.stringContaining('mangler municipality, questionnaire') }] });
  });
});
