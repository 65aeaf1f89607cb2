/**
 * The report from aggregated tallies: the same demo responses stored in the file store and in
 * PostgreSQL; the report built from each store's report table (on PostgreSQL: rows made from the
 * tallies of a GROUP BY) equals, number by number to 1e-12, the report built from the responses
 * themselves, for every weighting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoResponses } from '../../src/demo/generate.ts';
import { reportTallySpec } from '../../src/report/inputs.ts';
import { buildReport, type Report } from '../../src/report/tables.ts';
import { loadDefinitions } from '../../src/storage/definitions.ts';
import { openStore, type Store } from '../../src/storage/index.ts';
import { tallyTable, type TCellTallies } from '../../src/survey/tallies.ts';
import { surveysDir } from '../http/helpers.ts';
import { tempDir } from '../storage/adapters.ts';
import { createDatabase, type TestDatabase } from './helpers.ts';
import { rm } from 'node:fs/promises';

const defs = await loadDefinitions(surveysDir);
const study = defs.studies[0]!;
const frame = defs.frames.get(study.frame)!;
// Two seeds: more respondents per municipality, so cells hold repeated answer combinations.
const demo = [...generateDemoResponses(study, frame, { seed: 2016 }), ...generateDemoResponses(study, frame, { seed: 7 })].map((r, i) => ({ ...r, id: `${r.id.slice(0, 20)}-${i}` }));

/** Every leaf of a report, by path: numbers compared to 1e-12 (NaN equal to NaN), everything else exactly. */
function leaves(value: unknown, path = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) leaves(v, `${path}.${k}`, out);
  } else out.set(path, value);
  return out;
}

function differences(a: Report, b: Report): string[] {
  const la = leaves(a);
  const lb = leaves(b);
  const out: string[] = [];
  for (const path of new Set([...la.keys(), ...lb.keys()])) {
    const x = la.get(path);
    const y = lb.get(path);
    const same = typeof x === 'number' && typeof y === 'number' ? (Number.isNaN(x) && Number.isNaN(y)) || Math.abs(x - y) <= 1e-12 : x === y;
    if (!same) out.push(`${path}: ${String(x)} vs ${String(y)}`);
  }
  return out;
}

let database: TestDatabase;
let dir: string;
let files: Store;
let postgres: Store;
beforeAll(async () => {
  database = await createDatabase();
  dir = await tempDir('praksis-report-');
  files = await openStore(dir);
  postgres = await openStore({ databaseUrl: database.url });
  await files.responses.addMany(demo);
  await postgres.responses.addMany(demo);
}, 60_000);
afterAll(async () => {
  await files.close();
  await postgres.close();
  await rm(dir, { recursive: true, force: true });
  await database.drop();
});

describe('the report from tallies', () => {
  it('gets report tables with the same tallies from both stores', async () => {
    const spec = reportTallySpec(study);
    const sorted = (t: TCellTallies) => ({
      cells: [...t.cells].map((c) => JSON.stringify(c)).sort(),
      values: [...t.values].map((v) => JSON.stringify(v)).sort(),
    });
    const fromFiles = tallyTable(await files.responses.reportTable(spec), spec);
    expect(fromFiles.values.length).toBeGreaterThan(100);
    // No free text leaves the store: a text question is tallied as "".
    expect(fromFiles.values.filter((v) => spec.present.includes(v.key) && v.value !== '')).toEqual([]);
    expect(sorted(tallyTable(await postgres.responses.reportTable(spec), spec))).toEqual(sorted(fromFiles));
  });

  it.each(['equal', 'none', 'size', 'raked'] as const)('equals the report of the responses themselves in every number (%s weighting)', async (weighting) => {
    const direct = buildReport(study, frame, demo, { weighting });
    expect(direct.figures.length).toBeGreaterThan(10);
    for (const store of [files, postgres]) {
      const fromTallies = buildReport(study, frame, await store.responses.reportTable(reportTallySpec(study)), { weighting });
      expect(differences(direct, fromTallies)).toEqual([]);
    }
  });
});
