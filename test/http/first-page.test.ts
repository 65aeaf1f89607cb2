/**
 * The first questionnaire page is served from a cached render with each visitor's own state value
 * (src/http/first-page.ts). It must be exactly what a fresh render gives, apart from that value,
 * and every visitor must get a different submission id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastLaneServed } from '../../src/http/fast-lane.ts';
import { FirstPageCache, joinPage, joinPageBytes, splitAtState } from '../../src/http/first-page.ts';
import { decodeFlowState } from '../../src/http/flow-state.ts';
import { firstPageView } from '../../src/http/flow.ts';
import { locate } from '../../src/http/lookup.ts';
import type { TQuestionnaire, TStudy } from '../../src/survey/schema.ts';
import { questionnaireByGroup, startApp, theStudy, type Running } from './helpers.ts';

let app: Running;
let study: TStudy;

beforeAll(async () => {
  app = await startApp({ config: { rateLimit: 'off' } });
  study = theStudy(app.definitions);
});
afterAll(async () => {
  await app.close();
});

const STATE = /<input type="hidden" name="state" value="([^"]*)">/g;

/** A fresh EJS render of the first page, as the route did before the cache, with the given demo local. */
function freshRender(qn: TQuestionnaire, demo: unknown): Promise<{ html: string; state: string }> {
  const at = locate(app.definitions, study.id, qn.id);
  const base = `/s/${study.id}/${qn.id}`;
  const view = firstPageView({ at, base, startUrl: base, submit: async () => base });
  return new Promise((resolve, reject) => {
    app.app.render('page', { ...view.locals, demo }, (err: unknown, html: string) => (err ? reject(err) : resolve({ html, state: view.locals.state })));
  });
}

async function visit(qn: TQuestionnaire, suffix = ''): Promise<{ html: string; contentType: string | null; status: number; headers: Record<string, string> }> {
  const res = await fetch(`${app.url}/s/${study.id}/${qn.id}/p/1${suffix}`);
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (name !== 'date' && name !== 'etag' && name !== 'content-length') headers[name] = value;
  });
  return { html: await res.text(), contentType: res.headers.get('content-type'), status: res.status, headers };
}

/** A query string keeps a request off the fast lane: Express answers it, as before the fast lane. */
const VIA_EXPRESS = '?via=express';

const stateValues = (html: string) => [...html.matchAll(STATE)].map((m) => m[1]!);

describe('cached first page', () => {
  it('equals a fresh render apart from the state value, for every questionnaire, and every visitor gets a new id', async () => {
    for (const qn of study.questionnaires) {
      const visits = [];
      for (let i = 0; i < 5; i++) visits.push(await visit(qn));
      const fresh = await freshRender(qn, undefined);
      const sids = new Set<string>();
      for (const v of visits) {
        expect(v.status).toBe(200);
        expect(v.contentType).toBe('text/html; charset=utf-8');
        const [state] = stateValues(v.html);
        expect(stateValues(v.html)).toHaveLength(1);
        // Put the fresh render's state value in place of the visitor's: the pages are then identical.
        expect(v.html.replace(state!, fresh.state)).toBe(fresh.html);
        const decoded = decodeFlowState(state);
        expect(decoded).toMatchObject({ v: 1, a: {} });
        expect(decoded?.m).toBeUndefined();
        sids.add(decoded!.sid);
      }
      expect(sids.size).toBe(visits.length);
    }
  });

  it('shows the demo banner as soon as demo data is recorded, and drops it again', async () => {
    const leaders = questionnaireByGroup(study, /leder/i);
    expect((await visit(leaders)).html).not.toContain('demo-banner');
    const demo = { loadedAt: '2026-11-23', responses: 1234 };
    await app.store.settings.update((s) => {
      s.demo = demo;
    });
    const withBanner = await visit(leaders);
    expect(withBanner.html).toContain('demo-banner');
    expect(withBanner.html).toContain('1234');
    const fresh = await freshRender(leaders, demo);
    expect(withBanner.html.replace(stateValues(withBanner.html)[0]!, fresh.state)).toBe(fresh.html);
    await app.store.settings.update((s) => {
      delete s.demo;
    });
    expect((await visit(leaders)).html).not.toContain('demo-banner');
  });
});

describe('first page on the fast lane', () => {
  it('serves the cached page with the headers Express sends, and the same page', async () => {
    const leaders = questionnaireByGroup(study, /leder/i);
    await visit(leaders);
    const before = fastLaneServed(app.app);
    const fast = await visit(leaders);
    expect(fastLaneServed(app.app)).toBe(before + 1);
    const slow = await visit(leaders, VIA_EXPRESS);
    expect(fastLaneServed(app.app)).toBe(before + 1);
    expect(fast.status).toBe(200);
    expect(fast.headers).toEqual(slow.headers);
    expect(fast.html.replace(stateValues(fast.html)[0]!, 'S')).toBe(slow.html.replace(stateValues(slow.html)[0]!, 'S'));
  });

  it('closing the questionnaire by hand or switching open links off refuses the page at once, as Express does', async () => {
    const leaders = questionnaireByGroup(study, /leder/i);
    await visit(leaders);
    try {
      for (const window of [{ mode: 'closed' as const, openLinks: true }, { mode: 'open' as const, openLinks: false }]) {
        await app.store.fieldwork.setWindow(study.id, leaders.id, window);
        const fast = await visit(leaders);
        const slow = await visit(leaders, VIA_EXPRESS);
        expect(fast.status).toBe(410);
        expect(fast).toEqual(slow);
      }
    } finally {
      await app.store.fieldwork.setWindow(study.id, leaders.id, { mode: 'auto', openLinks: true });
    }
    expect((await visit(leaders)).status).toBe(200);
  });

  it('a study whose fieldwork has ended gets the 410 page even with a warm cache', async () => {
    const leaders = questionnaireByGroup(study, /leder/i);
    await visit(leaders);
    const fieldwork = study.fieldwork;
    try {
      study.fieldwork = { ...fieldwork, closes: '2016-12-31' };
      const fast = await visit(leaders);
      expect(fast.status).toBe(410);
      expect(fast).toEqual(await visit(leaders, VIA_EXPRESS));
    } finally {
      study.fieldwork = fieldwork;
    }
    expect((await visit(leaders)).status).toBe(200);
  });
});

describe('splitAtState', () => {
  it('splits only around exactly one occurrence of a base64url value', () => {
    expect(splitAtState('a XYZ b', 'XYZ')).toMatchObject({ before: 'a ', after: ' b' });
    expect(joinPage(splitAtState('a XYZ b', 'XYZ')!, 'QQ')).toBe('a QQ b');
    const danish = splitAtState('æø <XYZ> å', 'XYZ')!;
    expect(joinPageBytes(danish, 'Q-_9')).toEqual(Buffer.from(joinPage(danish, 'Q-_9'), 'utf8'));
    expect(splitAtState('a XYZ b XYZ', 'XYZ')).toBeUndefined();
    expect(splitAtState('a b', 'XYZ')).toBeUndefined();
    expect(splitAtState('a <x> b', '<x>')).toBeUndefined();
  });

  it('a page that cannot be split is rendered afresh every time', () => {
    const cache = new FirstPageCache();
    const qn = {} as TQuestionnaire;
    cache.learn(qn, 'k', 'no state here', 'XYZ');
    expect(cache.get(qn, 'k')).toBeNull();
    expect(cache.get(qn, 'other')).toBeUndefined();
  });
});
