/**
 * Store scale: the cost of storing one response must not grow with the responses already stored.
 * Prints, at 0, 10,000 and 100,000 existing responses: sequential durable adds (ms/op, each its
 * own fsync), 200 concurrent adds (ops/s, group commit), and the time to open the store.
 * Run: npx tsx bench/store.ts
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/storage/index.ts';
import type { TResponse } from '../src/survey/schema.ts';

const answers = { kontrakt_frist: 'altid', opfoelgning_frist: 'naesten_altid', info_kontrakt: ['papirer', 'helbred'], kommentar: 'Et svar med lidt tekst i.' };
const response = { study: 'integration_2016', questionnaire: 'praktikere', version: 1, municipality: '851', answers };
const dir = await mkdtemp(join(tmpdir(), 'praksis-bench-store-'));
try {
  let existing = 0;
  for (const target of [0, 10_000, 100_000]) {
    if (target > existing) {
      const store = await openStore(dir);
      const batch: TResponse[] = [];
      for (let i = existing; i < target; i += 1) batch.push({ id: `bench${String(i).padStart(17, '0')}`, day: '2026-11-23', ...response });
      await store.responses.addMany(batch);
      await store.close();
      existing = target;
    }
    const t0 = performance.now();
    const store = await openStore(dir);
    const openMs = performance.now() - t0;
    const sequential = 200;
    const t1 = performance.now();
    for (let i = 0; i < sequential; i += 1) await store.responses.add(response, `seq-${target}-${i}-xxxxxxxxxx`);
    const seqMs = (performance.now() - t1) / sequential;
    const concurrent = 2000;
    const syncsBefore = store.responses.syncs;
    const t2 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 200 }, async () => {
      while (next < concurrent) await store.responses.add(response, `con-${target}-${next++}-xxxxxxxxxx`);
    }));
    const conS = (performance.now() - t2) / 1000;
    const syncs = store.responses.syncs - syncsBefore;
    await store.close();
    existing += sequential + concurrent;
    const size = (await stat(join(dir, 'responses.jsonl'))).size;
    console.log(
      `${String(target).padStart(7)} existing: open ${openMs.toFixed(0)} ms; sequential add ${seqMs.toFixed(2)} ms/op; ` +
        `200 concurrent: ${(concurrent / conS).toFixed(0)} adds/s with ${syncs} fsyncs for ${concurrent} adds; log ${(size / 1e6).toFixed(1)} MB`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
