/**
 * `npm run bench`: makes the build (`npm run build`: bench/http.ts starts the server and
 * bench/estimate.ts the CLI from it), then runs every bench/*.ts (except this file) in turn, each
 * in its own process, printing its table. `npm run bench -- http` runs only the ones named.
 * Exits 1 when a bench failed (the others still run).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./', import.meta.url));
const only = process.argv.slice(2);
execFileSync(process.execPath, [fileURLToPath(new URL('../bin/build.js', import.meta.url))], { stdio: 'inherit' });
const failed: string[] = [];
for (const name of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'run.ts').sort()) {
  if (only.length > 0 && !only.some((o) => name.startsWith(o))) continue;
  console.log(`\n== bench/${name}`);
  try {
    execFileSync(process.execPath, ['--import', 'tsx', `${dir}${name}`], { stdio: 'inherit' });
  } catch {
    failed.push(name);
  }
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.map((name) => `bench/${name}`).join(', ')}`);
  process.exit(1);
}
