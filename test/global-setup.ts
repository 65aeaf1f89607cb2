/**
 * Before any test file runs: `npm run build` once (bin/build.js, about a second). The tests import
 * the app from src/, which serves the browser bundles from dist/public/, and start `npm start`
 * (dist/server.mjs) and the `praksis` command (dist/cli.mjs) as child processes: all from this build.
 * In watch mode every rerun builds again, so an edit is in what the tests see.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

const root = fileURLToPath(new URL('../', import.meta.url));

async function build(): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, [join(root, 'bin', 'build.js')], { cwd: root });
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`npm run build failed before the tests:\n${stderr || message}`);
  }
}

export default async function setup(project: TestProject): Promise<void> {
  await build();
  project.onTestsRerun(build);
}
