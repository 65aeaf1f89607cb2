/**
 * The file store at scale: opening it with 0, 10,000 and 100,000 stored responses (the whole
 * log is read at every open: there is no snapshot), and what storing costs there: sequential
 * durable adds (ms/op, each its own fdatasync) and 200 concurrent adds (adds/s, and how many
 * fdatasyncs they shared: group commit). The responses are the demo's (src/demo/generate.ts);
 * 100,000 is measured again with every response padded to 30 answers.
 * Run: npx tsx bench/store.ts
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDemoResponses } from '../src/demo/generate.ts';
import { loadDefinitions } from '../src/storage/definitions.ts';
import { openStore, type NewResponse } from '../src/storage/index.ts';
import { nodeIO } from '../src/storage/files/io.ts';
import type { TResponse } from '../src/survey/schema.ts';

const defs = await loadDefinitions(fileURLToPath(new URL('../surveys/', import.meta.url)));
const study = defs.studies[0]!;
const frame = defs.frames.get(study.frame)!;

function demoResponses(n: number, answers?: number): TResponse[] {
  const out: TResponse[] = [];
  for (let seed = 1; out.length < n; seed += 1) {
    for (const r of generateDemoResponses(study, frame, { seed })) {
      if (out.length === n) break;
      const padded = { ...r.answers };
      for (let k = 0; answers !== undefined && Object.keys(padded).length < answers; k += 1) padded[`extra_${k}`] = ['altid', 'ofte', 'aldrig'][(out.length + k) % 3]!;
      out.push({ ...r, id: `${r.id}${seed}`.slice(0, 64), answers: padded });
    }
  }
  return out;
}

let syncs = 0;
const io = { fdatasync: (fd: number) => ((syncs += 1), nodeIO.fdatasync(fd)) };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(label: string, stored: TResponse[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'praksis-bench-store-'));
  try {
    const setup = await openStore(dir);
    for (let i = 0; i < stored.length; i += 10_000) await setup.responses.addMany(stored.slice(i, i + 10_000));
    await setup.close();
    const opens: number[] = [];
    for (let run = 0; run < 3; run += 1) {
      const t0 = performance.now();
      const store = await openStore(dir);
      opens.push(performance.now() - t0);
      if ((await store.responses.count()) !== stored.length) throw new Error('the store lost responses');
      await store.close();
    }
    const store = await openStore(dir, { io });
    const sample = stored[0] ?? demoResponses(1)[0]!;
    const response: NewResponse = { study: sample.study, questionnaire: sample.questionnaire, version: sample.version, municipality: sample.municipality, answers: sample.answers };
    const sequential = 200;
    const t1 = performance.now();
    for (let i = 0; i < sequential; i += 1) await store.responses.add(response, `seq-${i}`);
    const seqMs = (performance.now() - t1) / sequential;
    const concurrent = 2000;
    syncs = 0;
    let next = 0;
    const t2 = performance.now();
    await Promise.all(Array.from({ length: 200 }, async () => {
      while (next < concurrent) await store.responses.add(response, `con-${next++}`);
    }));
    const conS = (performance.now() - t2) / 1000;
    await store.close();
    const size = (await stat(join(dir, 'responses.jsonl'))).size;
    const answers = stored.length === 0 ? 0 : stored.reduce((sum, r) => sum + Object.keys(r.answers).length, 0) / stored.length;
    console.log(
      `${label.padEnd(34)} open ${median(opens).toFixed(0).padStart(5)} ms (median of 3; ${opens.map((t) => t.toFixed(0)).join('/')}); ` +
        `sequential add ${seqMs.toFixed(2)} ms/op; 200 concurrent: ${(concurrent / conS).toFixed(0)} adds/s, ${syncs} fdatasyncs for ${concurrent} adds; ` +
        `log afterwards ${(size / 1e6).toFixed(1)} MB; ${answers.toFixed(1)} answers per stored response`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await measure('0 stored', []);
await measure('10,000 stored (demo)', demoResponses(10_000));
await measure('100,000 stored (demo)', demoResponses(100_000));
await measure('100,000 stored (30 answers each)', demoResponses(100_000, 30));
