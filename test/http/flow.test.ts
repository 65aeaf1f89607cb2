/**
 * The shared questionnaire flow (src/http/flow.ts) in invitation mode, as the fieldwork links use
 * it: the municipality comes from the link, is never asked, and the caller's `submit` stores.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configureViews } from '../../src/http/views.ts';
import { errorHandler } from '../../src/http/errors.ts';
import { sendFlowStep } from '../../src/http/router.ts';
import { firstPage, postPage, type FlowOptions } from '../../src/services/flow.ts';
import type { FlowState } from '../../src/survey/flow-state.ts';
import type { NewResponse } from '../../src/storage/ports.ts';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import { Client, allQuestions, parsePage, questionnaireByGroup, surveysDir, theStudy } from './helpers.ts';
import { fillForm, fullPlan } from './walk.ts';

let server: Server;
let url: string;
let submitted: { response: NewResponse; submissionId: string }[];
let progress: number[];
let options: FlowOptions;

beforeEach(async () => {
  const defs = await loadDefinitions(surveysDir);
  const study = theStudy(defs);
  const qn = questionnaireByGroup(study, /praktiker|sagsbehandler/i);
  const frame = defs.frames.get(study.frame)!;
  const fixed = frame.municipalities.filter((m) => m.eligible).at(-1)!.code;
  submitted = [];
  progress = [];
  options = {
    at: { study, questionnaire: qn, frame },
    base: '/i/test-token',
    startUrl: '/i/test-token',
    municipality: fixed,
    onProgress: async (_state: FlowState, next: number) => {
      progress.push(next);
    },
    submit: async (response, submissionId) => {
      submitted.push({ response, submissionId });
      return '/i/test-token/tak';
    },
  };
  const app = express();
  configureViews(app);
  app.use(express.urlencoded({ extended: false }));
  app.get('/i/test-token/p/1', (_req, res) => sendFlowStep(res, firstPage(options)));
  app.post('/i/test-token/p/:n', async (req, res) => {
    sendFlowStep(res, await postPage(options, Number(req.params.n) - 1, req.body as Record<string, unknown>));
  });
  app.use(errorHandler);
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('invitation mode of the flow', () => {
  it('never asks for the municipality, stores the link\'s municipality, and reports progress', async () => {
    const qn = options.at.questionnaire;
    const municipalityIds = allQuestions(qn).filter((q) => q.type === 'municipality').map((q) => q.id);
    const plan = fullPlan('101'); // a different municipality than the link's: must not matter
    const client = new Client(url);
    let html = await (await client.get('/i/test-token/p/1')).text();
    let final: Response | undefined;
    for (let i = 0; i < 60 && !final; i++) {
      const page = parsePage(html);
      for (const id of municipalityIds) expect(page.questionIds).not.toContain(id);
      expect(page.action).toMatch(/^\/i\/test-token\/p\/\d+$/);
      const res = await client.postForm(page.action, fillForm(qn, page, plan));
      if (res.status === 303) final = res;
      else {
        expect(res.status).toBe(200);
        html = await res.text();
      }
    }
    expect(final?.headers.get('location')).toBe('/i/test-token/tak');
    expect(submitted).toHaveLength(1);
    expect(submitted[0]!.response.municipality).toBe(options.municipality);
    expect(submitted[0]!.submissionId).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    for (const id of municipalityIds) expect(Object.keys(submitted[0]!.response.answers)).not.toContain(id);
    expect(progress.length).toBeGreaterThan(0);
  });
});
