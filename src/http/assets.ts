/**
 * Browser assets. The questionnaire script is bundled with esbuild from public/js/questionnaire.ts
 * and src/survey/condition.ts (the same showIf evaluator the server uses), once per process, in memory.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { bundleOnce } from './bundle.ts';

export const publicDir = fileURLToPath(new URL('../../public/', import.meta.url));

/** Bundles public/js/<name>.ts (and what it imports) once per process, in memory. */
export function bundleScript(name: 'questionnaire' | 'report'): Promise<string> {
  return bundleOnce(join(publicDir, 'js', `${name}.ts`), { format: 'iife', platform: 'browser', target: ['es2019'], minify: true });
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
