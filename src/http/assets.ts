/**
 * Browser assets. The questionnaire script is bundled with esbuild from public/js/questionnaire.ts
 * and src/survey/condition.ts (the same showIf evaluator the server uses), once per process, in memory.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import express, { Router } from 'express';

export const publicDir = fileURLToPath(new URL('../../public/', import.meta.url));

let questionnaireBundle: Promise<string> | undefined;

export function bundleQuestionnaireScript(): Promise<string> {
  questionnaireBundle ??= build({
    entryPoints: [join(publicDir, 'js', 'questionnaire.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2019'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  }).then((result) => {
    const file = result.outputFiles[0];
    if (!file) throw new Error('esbuild produced no output for questionnaire.ts');
    return file.text;
  });
  questionnaireBundle.catch(() => {
    questionnaireBundle = undefined; // let a later request (or restart) retry
  });
  return questionnaireBundle;
}

export function assetRoutes(): Router {
  const router = Router();
  router.get('/questionnaire.js', async (_req, res) => {
    const code = await bundleQuestionnaireScript();
    res.type('application/javascript; charset=utf-8').setHeader('Cache-Control', 'no-cache');
    res.send(code);
  });
  router.use('/css', express.static(join(publicDir, 'css'), { index: false }));
  return router;
}
