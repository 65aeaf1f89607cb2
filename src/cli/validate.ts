/**
 * `praksis validate <file> [...]`: checks study definition and frame files. Prints every problem as
 * `<file>: <path>: <message>` and exits 1; a study is also checked against a frame found in the
 * same directory's `frames/` (or given on the command line). Exit 2 on usage errors.
 */
import { dirname, join } from 'node:path';
import { readdir } from 'node:fs/promises';
import { isProblem } from '../errors.ts';
import { readDefinitionFile } from '../storage/definitions.ts';
import type { DefinitionFile } from '../survey/load.ts';
import type { CliIo } from './main.ts';

const USAGE = 'usage: praksis validate <study-or-frame.json> [...]';

async function siblingFrames(file: string): Promise<DefinitionFile[]> {
  const dir = join(dirname(file), 'frames');
  let names: string[] = [];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: DefinitionFile[] = [];
  for (const name of names) {
    try {
      out.push(await readDefinitionFile(join(dir, name)));
    } catch {
      // a broken sibling frame is reported when it is validated itself
    }
  }
  return out;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    io.err(USAGE);
    return args.length === 0 ? 2 : 0;
  }
  const unknownFlag = args.find((a) => a.startsWith('-'));
  if (unknownFlag) {
    io.err(`praksis validate: unknown option ${unknownFlag}\n${USAGE}`);
    return 2;
  }
  let failed = 0;
  const parsed: { file: string; def: DefinitionFile }[] = [];
  for (const file of args) {
    try {
      parsed.push({ file, def: await readDefinitionFile(file) });
    } catch (error) {
      failed += 1;
      if (!isProblem(error)) throw error;
      if (error.details.length === 0) io.err(`${file}: ${error.message}`);
      for (const d of error.details) io.err(`${file}: ${d.path || '(root)'}: ${d.message}`);
    }
  }
  const frames = parsed.flatMap((p) => (p.def.kind === 'frame' ? [p.def.frame] : []));
  for (const { file, def } of parsed) {
    if (def.kind === 'frame') {
      const eligible = def.frame.municipalities.filter((m) => m.eligible).length;
      io.out(`${file}: OK (frame "${def.frame.id}", ${def.frame.municipalities.length} municipalities, ${eligible} eligible, ${def.frame.regions.length} regions)`);
      continue;
    }
    const known = [...frames, ...(await siblingFrames(file)).flatMap((d) => (d.kind === 'frame' ? [d.frame] : []))];
    if (!known.some((f) => f.id === def.study.frame)) {
      failed += 1;
      io.err(`${file}: frame: no municipality frame with id "${def.study.frame}" (give the frame file too, or put it in frames/ next to the study)`);
      continue;
    }
    const questions = def.study.questionnaires.reduce((n, q) => n + q.sections.reduce((m, s) => m + s.questions.length, 0), 0);
    io.out(`${file}: OK (study "${def.study.id}", ${def.study.questionnaires.length} questionnaires, ${questions} questions)`);
  }
  if (failed > 0) io.err(`${failed} of ${args.length} file(s) invalid`);
  return failed > 0 ? 1 : 0;
}
