/**
 * Reads the study definitions (`<dir>/*.json`) and municipality frames (`<dir>/frames/*.json`).
 * Any invalid file stops loading with a Problem naming the file and the JSON paths.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
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
  return definitions;
}
