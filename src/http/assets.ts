/**
 * Browser assets. The questionnaire script is bundled with esbuild from public/js/questionnaire.ts
 * and src/survey/condition.ts (the same showIf evaluator the server uses); see bundle.ts.
 */
import { join } from 'node:path';
import express, { Router } from 'express';
import { rootDir } from '../paths.ts';
import { bundleOnce } from '../bundle.ts';

export const publicDir = join(rootDir, 'public');

/** The bundle of public/js/<name>.ts (and what it imports), made once per process. */
export function bundleScript(name: 'questionnaire' | 'report'): Promise<string> {
  return bundleOnce(name);
}

export function bundleQuestionnaireScript(): Promise<string> {
  return bundleScript('questionnaire');
}

export function assetRoutes(): Router {
  const router = Router();
  router.get('/report.js', async (_req, res) => {
    const code = await bundleScript('report');
    res.type('application/javascript; charset=utf-8').setHeader('Cache-Control', 'no-cache');
    res.send(code);
  });
  router.get('/questionnaire.js', async (_req, res) => {
    const code = await bundleQuestionnaireScript();
    res.type('application/javascript; charset=utf-8').setHeader('Cache-Control', 'no-cache');
    res.send(code);
  });
  router.use('/css', express.static(join(publicDir, 'css'), { index: false }));
  return router;
}

/** Throws when a browser bundle cannot be made (at start-up, not on a respondent's page). */
export async function checkAssets(): Promise<void> {
  await Promise.all([bundleQuestionnaireScript(), bundleScript('report')]);
}
