/**
 * `praksis estimate <data.csv> --var <column> [...]`: design-based estimates of one categorical
 * column, the same numbers as R's survey package (see README "Estimation"). Bad input exits 1
 * with one clear line; usage errors exit 2.
 */
import { isProblem } from '../errors.ts';
import { compareCoded, estimateCoded, makeDesign, type GroupDifference, type CategoryEstimate, type CiMethod, type Combined, type Summary } from '../estimation/index.ts';
import { csvNumber, valuesOf } from '../export/csv-parse.ts';
import { codebookCategories, InputError, keepRows, readCsv, readTargets } from './estimate-input.ts';
import { equalWeights, postStratify, rake, sizeWeights, type Calibration, type Margin } from '../weighting/index.ts';
import type { Levels } from '../levels.ts';
import type { CliIo } from './main.ts';

const USAGE = `usage: praksis estimate <data.csv> --var <column>
    [--cluster <column>] [--strata <column>] [--fpc <column>]
    [--weight <column> | --equalize <column> | --size <column> (with --equalize's cluster)]
    [--poststratify <column>=<targets.csv>] [--rake <column>=<targets.csv> ...]
    [--where <column>=<value> ...] [--domain <column>=<value>] [--drop <category> ...] [--codebook <codebook.csv>]
    [--combine <name>=<category>+<category>[+...]]
    [--by <column> [--compare <a>:<b>]]
    [--ci logit|wald|beta] [--level 0.95] [--json]`;

class UsageError extends Error {}

interface Options {
  file: string;
  variable: string;
  cluster?: string;
  strata?: string;
  fpc?: string;
  weight?: string;
  equalize?: string;
  size?: string;
  poststratify?: { column: string; file: string };
  rake: { column: string; file: string }[];
  /** Rows kept before the design is made (R: svydesign(..., data = subset(d, column == value))). */
  where: { column: string; value: string }[];
  domain: { column: string; value: string }[];
  drop: string[];
  /** praksis's codebook.csv: the variable's categories in the questionnaire's order. */
  codebook?: string;
  combine: Combined[];
  by?: string;
  compare?: [string, string];
  ci: CiMethod;
  level: number;
  json: boolean;
}

const SINGLE_VALUED = new Set(['--var', '--cluster', '--strata', '--fpc', '--weight', '--equalize', '--size', '--poststratify', '--by', '--compare', '--ci', '--level', '--codebook']);
const REPEATABLE = new Set(['--rake', '--where', '--domain', '--drop', '--combine']);

function splitPair(flag: string, value: string, separator: string): [string, string] {
  const at = value.indexOf(separator);
  if (at <= 0 || at === value.length - 1) throw new UsageError(`${flag} expects <a>${separator}<b>, got "${value}"`);
  return [value.slice(0, at), value.slice(at + 1)];
}

export function parseArgs(args: string[]): Options {
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const positional: string[] = [];
  let json = false;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--json') {
      json = true;
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const [flag, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
      if (!SINGLE_VALUED.has(flag) && !REPEATABLE.has(flag)) throw new UsageError(`unknown option ${flag}`);
      const value = inline ?? args[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
      if (REPEATABLE.has(flag)) lists.set(flag, [...(lists.get(flag) ?? []), value]);
      else {
        if (values.has(flag)) throw new UsageError(`${flag} is given twice`);
        values.set(flag, value);
      }
      continue;
    }
    positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'give the data file' : `one data file only, got ${positional.join(' ')}`);
  const variable = values.get('--var');
  if (!variable) throw new UsageError('--var <column> is required');
  const weightFlags = ['--weight', '--equalize', '--size'].filter((f) => values.has(f));
  if (values.has('--weight') && weightFlags.length > 1) throw new UsageError('--weight cannot be combined with --equalize or --size');
  if (values.has('--size') && !values.has('--equalize')) throw new UsageError('--size needs --equalize <cluster column> (w = size / rows of the cluster)');
  if (values.has('--poststratify') && lists.has('--rake')) throw new UsageError('use --poststratify or --rake, not both');
  if (values.has('--compare') && !values.has('--by')) throw new UsageError('--compare needs --by <column>');
  const ci = (values.get('--ci') ?? 'logit') as CiMethod;
  if (!['logit', 'wald', 'beta'].includes(ci)) throw new UsageError(`--ci must be logit, wald or beta, not "${ci}"`);
  const level = Number(values.get('--level') ?? '0.95');
  if (!(level > 0 && level < 1)) throw new UsageError(`--level must be a number between 0 and 1, not "${values.get('--level')}"`);
  const target = (flag: string, v: string) => {
    const [column, file] = splitPair(flag, v, '=');
    return { column, file };
  };
  const options: Options = {
    file: positional[0]!,
    variable,
    rake: (lists.get('--rake') ?? []).map((v) => target('--rake', v)),
    where: (lists.get('--where') ?? []).map((v) => {
      const [column, value] = splitPair('--where', v, '=');
      return { column, value };
    }),
    domain: (lists.get('--domain') ?? []).map((v) => {
      const [column, value] = splitPair('--domain', v, '=');
      return { column, value };
    }),
    drop: lists.get('--drop') ?? [],
    combine: (lists.get('--combine') ?? []).map((v) => {
      const [name, members] = splitPair('--combine', v, '=');
      const categories = members.split('+');
      if (categories.length < 2 || categories.some((c) => c === '')) throw new UsageError(`--combine expects <name>=<a>+<b>[+...], got "${v}"`);
      return { name, categories };
    }),
    ci,
    level,
    json,
  };
  for (const key of ['cluster', 'strata', 'fpc', 'weight', 'equalize', 'size', 'by', 'codebook'] as const) {
    const v = values.get(`--${key}`);
    if (v !== undefined) options[key] = v;
  }
  const ps = values.get('--poststratify');
  if (ps) options.poststratify = target('--poststratify', ps);
  const compare = values.get('--compare');
  if (compare) options.compare = splitPair('--compare', compare, ':');
  return options;
}

/** The printed table writes every number the Danish way (decimal comma), as the report does; --json gives plain numbers. */
const decimal = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits).replace('.', ',') : '–');
const pct = (x: number) => (Number.isFinite(x) ? `${decimal(x * 100, 1)} %` : '–');
/** A difference of two proportions, in percentage points. */
const points = (x: number) => (Number.isFinite(x) ? `${decimal(x * 100, 1)} pp` : '–');
const pValue = (p: number) => (p < 0.001 ? '< 0,001' : `= ${decimal(p, 3)}`);

function table(summary: Summary, rows: CategoryEstimate[], level: number): string[] {
  const lines = [
    `n = ${summary.n}, clusters = ${summary.clusters}, df = ${summary.df}, sum of weights = ${decimal(summary.sumWeights, 4)}, Kish n_eff = ${decimal(summary.kishNeff, 1)}`,
    ['category'.padEnd(24), 'n'.padStart(7), 'estimate'.padStart(10), 'SE'.padStart(9), `${Math.round(level * 100)} % CI`.padStart(20), 'deff'.padStart(7)].join(' '),
  ];
  for (const c of rows) {
    lines.push(
      [c.category.padEnd(24), String(c.n).padStart(7), pct(c.estimate).padStart(10), pct(c.se).padStart(9), `${pct(c.ciLow)} – ${pct(c.ciHigh)}`.padStart(20), decimal(c.deff, 2).padStart(7)].join(' '),
    );
  }
  return lines;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  let options: Options;
  try {
    options = parseArgs(args);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`praksis estimate: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  try {
    const output = await estimate(options);
    for (const line of output) io.out(line);
    return 0;
  } catch (error) {
    if (error instanceof InputError || isProblem(error)) {
      io.err(`praksis estimate: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** The columns the options name (only these are read from the file). */
function columnsUsed(o: Options): string[] {
  const names = [o.variable, o.cluster, o.strata, o.fpc, o.weight, o.equalize, o.size, o.poststratify?.column, o.by, ...o.rake.map((m) => m.column), ...o.where.map((d) => d.column), ...o.domain.map((d) => d.column)];
  return names.filter((name): name is string => name !== undefined);
}

export async function estimate(o: Options): Promise<string[]> {
  const csv = keepRows(await readCsv(o.file, columnsUsed(o)), o.where, o.file);
  // Every column used is coded (src/levels.ts: a level index per row and the distinct values), so
  // a column used several times (cluster and equalize, say) is read once, and no step makes a
  // string per row.
  const columnOf = (name: string, flag: string): Levels => {
    const k = csv.header.indexOf(name);
    if (k < 0) throw new InputError(`${flag} ${name}: no such column in ${o.file} (columns: ${csv.header.join(', ')})`);
    return csv.columns[k]!;
  };
  const numeric = (name: string, flag: string): number[] => {
    const column = columnOf(name, flag);
    const perLevel = column.levels.map((v) => csvNumber(v, csv.decimalComma));
    const bad = perLevel.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) {
      // Levels are numbered by first appearance, so the first bad level's first row is the first bad row.
      const row = column.of.indexOf(bad);
      throw new InputError(`${flag} ${name}: row ${row + 2} is "${column.levels[bad]}", not a number${csv.decimalComma ? ' (fields are separated by ";", so numbers are written with a decimal comma, e.g. 0,25)' : ''}`);
    }
    const values = new Array<number>(column.of.length);
    for (let i = 0; i < values.length; i += 1) values[i] = perLevel[column.of[i]!]!;
    return values;
  };
  const variable = columnOf(o.variable, '--var');
  const cluster = o.cluster ? columnOf(o.cluster, '--cluster') : o.equalize ? columnOf(o.equalize, '--equalize') : undefined;
  const strata = o.strata ? columnOf(o.strata, '--strata') : undefined;
  const fpc = o.fpc ? numeric(o.fpc, '--fpc') : undefined;

  let weights: number[];
  if (o.weight) weights = numeric(o.weight, '--weight');
  else if (o.size) {
    const clusters = columnOf(o.equalize!, '--equalize');
    const sizes = numeric(o.size, '--size');
    const byCluster = new Map<string, number>();
    const sizeOf = new Array<number | undefined>(clusters.levels.length);
    for (let i = 0; i < sizes.length; i += 1) {
      const c = clusters.of[i]!;
      const s = sizeOf[c];
      if (s !== undefined && s !== sizes[i]) throw new InputError(`--size ${o.size}: cluster "${clusters.levels[c]}" has two different sizes (${s} and ${sizes[i]})`);
      if (s === undefined) {
        sizeOf[c] = sizes[i]!;
        byCluster.set(clusters.levels[c]!, sizes[i]!);
      }
    }
    weights = sizeWeights(clusters, byCluster);
  } else if (o.equalize) weights = equalWeights(columnOf(o.equalize, '--equalize'));
  else weights = new Array<number>(csv.count).fill(1);

  let calibration: Calibration | undefined;
  if (o.poststratify) {
    const groups = columnOf(o.poststratify.column, '--poststratify');
    const result = postStratify(weights, valuesOf(groups), await readTargets(o.poststratify.file, o.poststratify.column, new Set(groups.levels)));
    weights = result.weights;
    calibration = result.calibration;
  } else if (o.rake.length > 0) {
    const margins: Margin[] = [];
    for (const m of o.rake) {
      const groups = columnOf(m.column, '--rake');
      margins.push({ groups: valuesOf(groups), targets: await readTargets(m.file, m.column, new Set(groups.levels)) });
    }
    const result = rake(weights, margins);
    weights = result.weights;
    calibration = result.calibration;
  }

  const design = makeDesign({ weights, ...(cluster ? { cluster } : {}), ...(strata ? { strata } : {}), ...(fpc ? { fpc } : {}), ...(calibration ? { calibration } : {}) });
  // The categories: the codebook's options in the questionnaire's order, or else the values seen
  // but "" and NA (no answer), sorted; without the dropped ones. Dropping a category nobody chose
  // is fine; a name that is not a category at all (of the codebook, when given) is a typo.
  const seen = variable.levels.filter((v) => v !== '' && v !== 'NA');
  let all: string[];
  if (o.codebook) {
    all = await codebookCategories(o.codebook, o.variable);
    const unknown = seen.filter((v) => !all.includes(v));
    if (unknown.length > 0) throw new InputError(`--codebook ${o.codebook}: column "${o.variable}" has values the codebook does not list: ${unknown.map((v) => `"${v}"`).join(', ')}`);
    for (const d of o.drop) if (!all.includes(d)) throw new InputError(`--drop ${d}: no such category of "${o.variable}" in the codebook (categories: ${all.join(', ')})`);
  } else all = [...seen].sort();
  const categories = all.filter((c) => !o.drop.includes(c));
  const categoryIndex = new Map(categories.map((c, k) => [c, k]));
  const combined = o.combine.map((c) => ({
    name: c.name,
    members: c.categories.map((member) => {
      const k = categoryIndex.get(member);
      if (k === undefined) throw new InputError(`--combine ${c.name}: "${member}" is not a category of "${o.variable}"${o.drop.includes(member) ? ' (it is dropped)' : ''}`);
      return k;
    }),
  }));
  // code[i]: row i's category, or −1 outside the base (no answer, a dropped category, outside --domain):
  // domain estimation on the full design.
  const levelCategory = Int32Array.from(variable.levels, (v) => categoryIndex.get(v) ?? -1);
  const domains = o.domain.map((d) => {
    const column = columnOf(d.column, '--domain');
    return { of: column.of, level: column.byLevel.get(d.value) ?? -1 };
  });
  const code = new Int32Array(csv.count);
  for (let i = 0; i < code.length; i += 1) {
    let k = levelCategory[variable.of[i]!]!;
    for (const d of domains) if (d.of[i] !== d.level) k = -1;
    code[i] = k;
  }
  const estimateFor = (rows: Int32Array) => estimateCoded(design, rows, categories, { combined, ci: o.ci, level: o.level });

  if (!o.by) {
    const r = estimateFor(code);
    const rows = [...r.categories, ...r.combined];
    if (o.json) return [JSON.stringify({ summary: r.summary, categories: rows.map(stripCovariance) }, null, 2)];
    return table(r.summary, rows, o.level);
  }
  const by = columnOf(o.by, '--by');
  const inBase = new Uint8Array(by.levels.length);
  for (let i = 0; i < code.length; i += 1) if (code[i]! >= 0) inBase[by.of[i]!] = 1;
  const groups = by.levels.filter((g, k) => inBase[k] === 1 && g !== '').sort();
  const results = groups.map((g) => {
    const level = by.byLevel.get(g)!;
    return { group: g, result: estimateFor(code.map((k, i) => (by.of[i] === level ? k : -1))) };
  });
  let comparisons: (GroupDifference & { category: string })[] | undefined;
  if (o.compare) {
    const [a, b] = o.compare;
    for (const g of [a, b]) if (!groups.includes(g)) throw new InputError(`--compare: "${g}" is not a value of column "${o.by}" (values: ${groups.join(', ')})`);
    if (a === b) throw new InputError(`--compare ${a}:${b}: give two different groups`);
    const levelA = by.byLevel.get(a)!;
    const levelB = by.byLevel.get(b)!;
    const side = new Int8Array(code.length);
    for (let i = 0; i < code.length; i += 1) if (code[i]! >= 0) side[i] = by.of[i] === levelA ? 1 : by.of[i] === levelB ? 2 : 0;
    comparisons = [...categories.map((c, k) => ({ name: c, members: [k] })), ...combined].map((c) => {
      const members = new Set(c.members);
      const y = Uint8Array.from(code, (k) => (members.has(k) ? 1 : 0));
      return { ...compareCoded(design, side, y, a, b), category: c.name };
    });
  }
  if (o.json) {
    return [
      JSON.stringify(
        {
          groups: results.map(({ group, result }) => ({ group, summary: result.summary, categories: [...result.categories, ...result.combined].map(stripCovariance) })),
          ...(comparisons ? { comparisons: comparisons.map((c) => ({ category: c.category, estimate: c.estimate, se: c.se, df: c.df, p: c.p })) } : {}),
        },
        null,
        2,
      ),
    ];
  }
  const lines: string[] = [];
  for (const { group, result } of results) lines.push(`${o.by} = ${group}`, ...table(result.summary, [...result.categories, ...result.combined], o.level), '');
  if (comparisons) {
    lines.push(`${o.compare![0]} − ${o.compare![1]} (percentage points):`);
    for (const c of comparisons) lines.push(`  ${c.category.padEnd(24)} ${points(c.estimate).padStart(10)}  SE ${points(c.se)}  df ${c.df}  p ${pValue(c.p)}`);
  }
  return lines;
}

function stripCovariance(c: CategoryEstimate): CategoryEstimate {
  return { category: c.category, n: c.n, total: c.total, estimate: c.estimate, se: c.se, df: c.df, ciLow: c.ciLow, ciHigh: c.ciHigh, deff: c.deff };
}
