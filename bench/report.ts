/**
 * Full report computation (every figure, both groups, weighted, with CIs and the leader–caseworker
 * differences) at 10,000 and 100,000 responses. Target: ≤ 300 ms at 100,000.
 * Run: npx tsx bench/report.ts
 */
import { fileURLToPath } from 'node:url';
import { generateDemoResponses } from '../src/demo/generate.ts';
import { buildReport } from '../src/report/tables.ts';
import { loadDefinitions } from '../src/storage/definitions.ts';
import { ResponseTable } from '../src/survey/table.ts';
import type { TResponse } from '../src/survey/schema.ts';

const defs = await loadDefinitions(fileURLToPath(new URL('../surveys/', import.meta.url)));
const study = defs.studies[0]!;
const frame = defs.frames.get(study.frame)!;
for (const target of [10_000, 100_000]) {
  const responses: TResponse[] = [];
  for (let seed = 1; responses.length < target; seed += 1) {
    for (const r of generateDemoResponses(study, frame, { seed })) if (responses.length < target) responses.push({ ...r, id: `${r.id}${seed}`.slice(0, 64) });
  }
  // As the server does it: the store holds the responses as a column table (src/survey/table.ts).
  const table = ResponseTable.from(responses);
  for (const weighting of ['equal', 'raked'] as const) {
    const times: number[] = [];
    for (let run = 0; run < 5; run += 1) {
      const t0 = performance.now();
      const report = buildReport(study, frame, table, { weighting });
      times.push(performance.now() - t0);
      if (report.figures.length !== 19) throw new Error('expected 19 figures');
    }
    times.sort((a, b) => a - b);
    console.log(`report, ${target.toLocaleString('en')} responses, weighting ${weighting}: median ${times[2]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times[4]!.toFixed(0)}) [target <= 300 ms at 100,000]`);
  }
}
