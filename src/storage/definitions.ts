/**
 * Reads the study definitions (`<dir>/*.json`), municipality frames (`<dir>/frames/*.json`) and
 * case-file audit definitions (`<dir>/audits/*.json`).
 * Any invalid file stops loading with a Problem naming the file and the JSON paths.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAuditDefinition, type TAuditDefinition } from '../audit/schema.ts';
import { problems } from '../errors.ts';
import { assembleDefinitions, parseDefinitionFile, type DefinitionFile, type Definitions } from '../survey/load.ts';

async function jsonFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && e.name.endsWith('.json'))
      .map((e) => join(dir, e.name))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export async function readDefinitionFile(file: string): Promise<DefinitionFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw problems.invalidDefinition(file, [{ path: '', message: `cannot read the file: ${(error as Error).message}` }]);
  }
  return parseDefinitionFile(text, file);
}

export async function loadDefinitions(dir: string): Promise<Definitions> {
  const files = [...(await jsonFiles(join(dir, 'frames'))), ...(await jsonFiles(dir))];
  const parsed = [];
  for (const file of files) parsed.push({ file, parsed: await readDefinitionFile(file) });
  const definitions = assembleDefinitions(parsed);
  if (definitions.studies.length === 0) {
    throw problems.invalidDefinition(dir, [{ path: '', message: 'no study definition (*.json) found in this directory' }]);
  }
  return { ...definitions, audits: await loadAudits(join(dir, 'audits')) };
}

/** The audit definitions of a directory; an invalid one, or one id in two files, stops loading. */
export async function loadAudits(dir: string): Promise<TAuditDefinition[]> {
  const audits: TAuditDefinition[] = [];
  const files = new Map<string, string>();
  for (const file of await jsonFiles(dir)) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw problems.invalidDefinition(file, [{ path: '', message: `cannot read the file: ${(error as Error).message}` }]);
    }
    const audit = parseAuditDefinition(text, file);
    const earlier = files.get(audit.id);
    if (earlier) throw problems.invalidDefinition(file, [{ path: 'id', message: `audit id "${audit.id}" is also used by ${earlier}` }]);
    files.set(audit.id, file);
    audits.push(audit);
  }
  return audits;
}
