/** `npm run bench`: runs every bench/*.ts (except this file) in turn, each in its own process. */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./', import.meta.url));
const only = process.argv.slice(2);
for (const name of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'run.ts').sort()) {
  if (only.length > 0 && !only.some((o) => name.startsWith(o))) continue;
  console.log(`\n== bench/${name}`);
  execFileSync(process.execPath, ['--import', 'tsx', `${dir}${name}`], { stdio: 'inherit' });
}
