/**
 * Estimation speed in process: one categorical question on 1,000,000 rows × 100 clusters
 * (target ≤ 150 ms; median of 7 warm runs). The whole `praksis estimate` process against Rscript
 * on a 1M-row CSV is bench/cli-vs-r.ts.
 * Run: npx tsx bench/estimate.ts
 */
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
