/**
 * Estimation speed. Prints:
 *  1. one categorical question on 1,000,000 rows × 100 clusters in process (target ≤ 150 ms; median of 5);
 *  2. `praksis estimate` on a 1M-row CSV vs Rscript (read.csv + svydesign + svymean) on the same file,
 *     wall-clock from the same run, and the ratio (target: praksis ≥ 5× faster).
 * Run: npx tsx bench/estimate.ts   (Rscript optional: without it, only the praksis numbers)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { estimateCategorical, makeDesign } from '../src/estimation/index.ts';
import { levelsOf } from '../src/levels.ts';
import { equalWeights } from '../src/weighting/index.ts';

const ROWS = 1_000_000;
const CLUSTERS = 100;
const levels = ['always', 'almost_always', 'often', 'rarely', 'never', 'dont_know'];
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const cluster: string[] = new Array(ROWS);
const answer: string[] = new Array(ROWS);
for (let i = 0; i < ROWS; i += 1) {
  cluster[i] = `m${Math.floor(random() * CLUSTERS)}`;
  answer[i] = levels[Math.min(5, Math.floor(random() * random() * 8))]!;
}

const ms = (t0: number) => performance.now() - t0;
const combined = [{ name: 'top', categories: ['always', 'almost_always'] }];
const runs: { design: number; question: number }[] = [];
let result;
for (let run = 0; run < 8; run += 1) {
  const t0 = performance.now();
  // As the CLI does it: the cluster column is coded once (src/levels.ts) for the weights and the design.
  const clusters = levelsOf(cluster);
  const design = makeDesign({ weights: equalWeights(clusters), cluster: clusters });
  const t1 = performance.now();
  result = estimateCategorical(design, answer, { categories: levels, combined });
  runs.push({ design: t1 - t0, question: ms(t1) });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const warm = runs.slice(1);
console.log(`in-process, 1,000,000 rows x ${CLUSTERS} clusters, 6 categories + 1 combined [target <= 150 ms]:`);
console.log(`  first (cold) run: weights + design ${runs[0]!.design.toFixed(0)} ms, question ${runs[0]!.question.toFixed(0)} ms`);
console.log(`  warm, median of 7: weights + design ${median(warm.map((r) => r.design)).toFixed(0)} ms, one question (estimates, SE, CI, deff) ${median(warm.map((r) => r.question)).toFixed(0)} ms, together ${median(warm.map((r) => r.design + r.question)).toFixed(0)} ms`);
console.log(`  p(always) = ${result!.categories[0]!.estimate.toFixed(6)}, SE ${result!.categories[0]!.se.toExponential(4)}`);

const outDir = fileURLToPath(new URL('./out/', import.meta.url));
mkdirSync(outDir, { recursive: true });
const file = `${outDir}estimate-1m.csv`;
const lines = ['muni,answer'];
for (let i = 0; i < ROWS; i += 1) lines.push(`${cluster[i]},${answer[i]}`);
writeFileSync(file, lines.join('\n') + '\n');

const cliBin = fileURLToPath(new URL('../bin/praksis.js', import.meta.url));
const t1 = performance.now();
execFileSync(process.execPath, [cliBin, 'estimate', file, '--var', 'answer', '--cluster', 'muni', '--equalize', 'muni', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
const cliMs = performance.now() - t1;
console.log(`CLI: praksis estimate on a 1M-row CSV (start-up, read, parse, estimate, print): ${cliMs.toFixed(0)} ms`);

const hasR = spawnSync('Rscript', ['--version']).status === 0;
if (!hasR) {
  console.log('Rscript: not installed (apt-get install -y r-base-core r-cran-survey), no ratio');
} else {
  const script = `suppressMessages(library(survey)); d <- read.csv("${file}"); d$w <- 1/ave(rep(1,nrow(d)), d$muni, FUN=sum); des <- svydesign(ids=~muni, weights=~w, data=d); print(svymean(~answer, des))`;
  const t2 = performance.now();
  execFileSync('Rscript', ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const rMs = performance.now() - t2;
  console.log(`Rscript: read.csv + svydesign + svymean on the same file: ${rMs.toFixed(0)} ms`);
  console.log(`ratio: praksis CLI is ${(rMs / cliMs).toFixed(1)}x faster than R [target >= 5x]`);
}
