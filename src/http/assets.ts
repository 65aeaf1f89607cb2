/**
 * Browser assets: /assets/css/* from public/css, and the two browser bundles `npm run build` makes
 * (bin/build.js) from public/js/*.ts into dist/public/: questionnaire.js (with src/survey/condition.ts,
 * the same showIf evaluator the server uses) and report.js (with chart.js). The tests make the same
 * build before they run (test/global-setup.ts), so there is one path under npm start and vitest.
 */
import { access } from 'node:fs/promises';
import { join, relative } from 'node:path';
import express, { Router } from 'express';
import { distDir, rootDir } from '../paths.ts';

export const publicDir = join(rootDir, 'public');
/** Where the browser bundles are. */
export const bundleDir = join(distDir, 'public');

const BUNDLES = ['questionnaire', 'report', 'editor'] as const;

/** Throws an Error naming the file and the command to run when a browser bundle is missing from `dir`. */
export async function checkAssets(dir = bundleDir): Promise<void> {
  for (const name of BUNDLES) {
    const file = join(dir, `${name}.js`);
    await access(file).catch(() => {
      const shown = relative(rootDir, file);
      throw new Error(`the browser bundle ${shown.startsWith('..') ? file : shown} is missing; run npm run build`);
    });
  }
}

export function assetRoutes(): Router {
  const router = Router();
  for (const name of BUNDLES) {
    router.get(`/${name}.js`, (_req, res, next) => {
      res.sendFile(`${name}.js`, { root: bundleDir, headers: { 'Cache-Control': 'no-cache' } }, (error) => {
        if (error) next(error);
      });
    });
  }
  router.use('/css', express.static(join(publicDir, 'css'), { index: false }));
  return router;
}

