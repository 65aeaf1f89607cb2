/**
 * `praksis estimate` against Rscript (read.csv + svydesign + svymean), whole process against whole
 * process, on the same 1M-row CSV written like a researcher's responses export (json2csv: quoted
 * text, CRLF, 98 clusters, a weight column, a 7-category question, multi-select 0/1 columns, free
 * text with commas, quotes and line breaks). Prints a table of wall time and peak RSS (median of
 * RUNS runs each, measured with /usr/bin/time when it is there) and the ratio, and checks that both
 * give the same estimates. Without Rscript it says so and prints praksis alone.
 * Run: npx tsx bench/cli-vs-r.ts [rows]   (target: praksis >= 10x faster)
 *      npx tsx bench/cli-vs-r.ts --write <file> [rows]   only writes the data file (to time by hand)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const writeOnly = args[0] === '--write' ? args.splice(0, 2)[1] : undefined;
const ROWS = Number(args[0] ?? 1_000_000);
const CLUSTERS = 98;
const RUNS = 3;
const CATEGORIES = ['altid', 'naesten_altid', 'ofte', 'sommetider', 'sjaeldent', 'aldrig', 'ved_ikke'];
const REGIONS = ['Hovedstaden', 'Sjælland', 'Syddanmark', 'Midtjylland', 'Nordjylland'];
const TEXTS = ['Mentor', 'Sprogskole, virksomhed', 'Vi bruger "Min plan"', 'Frivillige\r\nog foreninger', 'Børn og unge: ærlig snak 👍'];

// mulberry32: a small seeded generator, so every run writes the same file.
let seed = 20_160_101;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const hex = (digits: number) => {
  let s = '';
  for (let k = 0; k < digits; k += 1) s += Math.floor(random() * 16).toString(16);
  return s;
};
const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * The file, written as `responsesCsv` (json2csv) writes it: every text quoted, numbers bare, empty
 * for no answer, rows sorted by cluster pseudonym and response id, weights 1/n_c.
 */
function writeData(file: string): void {
  const pseudonyms = Array.from({ length: CLUSTERS }, () => 'c' + hex(10));
  const rows = Array.from({ length: ROWS }, () => ({ id: hex(16), cluster: Math.floor(CLUSTERS * Math.pow(random(), 1.6)) }));
  const counts = new Array<number>(CLUSTERS).fill(0);
  for (const r of rows) counts[r.cluster]! += 1;
  rows.sort((a, b) => (pseudonyms[a.cluster]! < pseudonyms[b.cluster]! ? -1 : pseudonyms[a.cluster]! > pseudonyms[b.cluster]! ? 1 : a.id < b.id ? -1 : 1));
  const header = ['response_id', 'questionnaire', 'cluster', 'region', 'weight', 'kontrakt_frist', 'kontrakt_efter_frist', 'helbred_tilbud', 'kilder_asyl', 'kilder_papirer', 'kilder_andet', 'kilder_other', 'antal', 'kommentar'];
  const chunks: string[] = [header.map(quote).join(',') + '\r\n'];
  let lines: string[] = [];
  for (const { id, cluster: c } of rows) {
    // Answers lean on the cluster a little, as municipalities differ.
    const answer = CATEGORIES[Math.min(6, Math.floor(random() * (0.5 + random() + c / CLUSTERS) * 4.5))]!;
    const shown = answer !== 'altid' && answer !== 'ved_ikke';
    const other = random() < 0.05;
    const comment = random() < 0.02 ? quote(TEXTS[Math.floor(random() * TEXTS.length)]!) : '';
    lines.push(
      [
        quote(id),
        quote('praktikere'),
        quote(pseudonyms[c]!),
        quote(REGIONS[c % 5]!),
        String(1 / counts[c]!),
        quote(answer),
        shown ? quote(CATEGORIES[Math.floor(random() * 7)]!) : '',
        quote(random() < 0.6 ? 'ja' : 'nej'),
        random() < 0.5 ? '1' : '0',
        random() < 0.3 ? '1' : '0',
        other ? '1' : '0',
        other ? quote(TEXTS[Math.floor(random() * TEXTS.length)]!) : '',
        String(Math.floor(random() * 40)),
        comment,
      ].join(',') + '\r\n',
    );
    if (lines.length === 50_000) {
      chunks.push(lines.join(''));
      lines = [];
    }
  }
  chunks.push(lines.join(''));
  writeFileSync(file, chunks.join(''));
}

interface Measured {
  wall: number;
  peakMb: number | undefined;
  stdout: string;
}

const hasTime = existsSync('/usr/bin/time');

/** One whole process: wall time from spawn to exit, peak RSS from /usr/bin/time (kB). */
function measure(command: string, args: string[]): Measured {
  const timeFile = join(dir, 'time.txt');
  const t0 = performance.now();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', '-o', timeFile, command, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${r.stderr}`);
  let peakMb: number | undefined;
  if (hasTime) {
    const text = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!;
    peakMb = Number(text) / 1024;
  }
  return { wall, peakMb, stdout: r.stdout };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Contender {
  name: string;
  command: string;
  args: string[];
  runs: Measured[];
}

if (writeOnly) {
  writeData(writeOnly);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'praksis-cli-vs-r-'));
try {
  const file = join(dir, 'responses.csv');
  const t0 = performance.now();
  writeData(file);
  console.log(`data: ${ROWS.toLocaleString('en')} rows, ${CLUSTERS} clusters, ${CATEGORIES.length} categories, ${(statSync(file).size / 1e6).toFixed(0)} MB, written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const bin = fileURLToPath(new URL('../bin/praksis.js', import.meta.url));
  const contenders: Contender[] = [
    { name: 'praksis estimate', command: process.execPath, args: [bin, 'estimate', file, '--var', 'kontrakt_frist', '--cluster', 'cluster', '--weight', 'weight', '--json'], runs: [] },
  ];
  // One run first so that the build exists (bin/praksis.js makes it when the sources changed).
  measure(contenders[0]!.command, contenders[0]!.args);

  const hasR = spawnSync('Rscript', ['--version']).status === 0;
  if (hasR) {
    const versions = spawnSync('Rscript', ['-e', 'cat(R.version.string, "survey", as.character(packageVersion("survey")))'], { encoding: 'utf8' });
    console.log(`R: ${versions.status === 0 ? versions.stdout.trim() : 'survey not installed?'}`);
    const script = [
      'suppressMessages(library(survey))',
      `d <- read.csv(${JSON.stringify(file)})`,
      'des <- svydesign(ids=~cluster, weights=~weight, data=d)',
      'm <- svymean(~kontrakt_frist, des)',
      'cat(sprintf("%s %.17g %.17g", sub("^kontrakt_frist", "", names(coef(m))), coef(m), SE(m)), sep="\\n")',
    ].join('; ');
    contenders.push({ name: 'Rscript read.csv + svydesign + svymean', command: 'Rscript', args: ['-e', script], runs: [] });
  }
  // Taken in turns, so that a busy moment of the machine falls on both.
  for (let run = 0; run < RUNS; run += 1) for (const c of contenders) c.runs.push(measure(c.command, c.args));

  const wall = (c: Contender) => median(c.runs.map((m) => m.wall));
  const peak = (c: Contender) => (c.runs[0]!.peakMb === undefined ? undefined : median(c.runs.map((m) => m.peakMb!)));
  const mb = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(0));
  console.log(`\nwhole process (start to exit), median of ${RUNS} runs${hasTime ? '' : ' (no /usr/bin/time: no peak RSS)'}:\n`);
  console.log(`| ${'process'.padEnd(38)} | wall s | peak RSS MB | runs (wall s) |`);
  console.log(`| ${'-'.repeat(38)} | -----: | ----------: | ------------- |`);
  for (const c of contenders) console.log(`| ${c.name.padEnd(38)} | ${wall(c).toFixed(2).padStart(6)} | ${mb(peak(c)).padStart(11)} | ${c.runs.map((m) => m.wall.toFixed(2)).join(' ')} |`);

  const [praksis, r] = contenders as [Contender, Contender | undefined];
  if (!r) {
    console.log('\nRscript: not installed (apt-get install -y r-base-core r-cran-survey), so no ratio');
  } else {
    const pp = peak(praksis);
    const rp = peak(r);
    console.log(`\nratio: praksis is ${(wall(r) / wall(praksis)).toFixed(1)}x faster than Rscript [target >= 10x]${pp !== undefined && rp !== undefined ? `; its peak RSS is ${((100 * pp) / rp).toFixed(0)} % of R's` : ''}`);
    const ours = JSON.parse(praksis.runs[0]!.stdout) as { categories: { category: string; estimate: number; se: number }[] };
    let worst = 0;
    for (const line of r.runs[0]!.stdout.trim().split('\n')) {
      const [category, estimate, se] = line.split(' ');
      const c = ours.categories.find((x) => x.category === category);
      if (!c) throw new Error(`praksis has no category "${category}"`);
      worst = Math.max(worst, Math.abs(c.estimate - Number(estimate)), Math.abs(c.se - Number(se)));
    }
    console.log(`agreement: largest difference in an estimate or SE between praksis and R: ${worst.toExponential(1)}${worst < 1e-9 ? '' : ' [NOT within 1e-9]'}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
