/**
 * Parsing definition files (pure: text in, checked objects out; reading the files is
 * src/storage/definitions.ts's job). A broken file becomes a `Problem` naming the file and every
 * JSON path that is wrong.
 */
import { problems, type ProblemDetail } from '../errors.ts';
import type { TAuditDefinition } from '../audit/schema.ts';
import { ZFrame, type TFrame } from '../frame/schema.ts';
import { ZStudyDefinition, issuesToDetails } from './refinements.ts';
import type { TStudy } from './schema.ts';

export interface Definitions {
  studies: TStudy[];
  /** Frames by their `id`. */
  frames: Map<string, TFrame>;
  /** The case-file audits (`<dir>/audits/*.json`, src/audit/schema.ts); none when the directory has none. */
  audits?: TAuditDefinition[];
}

export type DefinitionFile = { kind: 'study'; study: TStudy } | { kind: 'frame'; frame: TFrame };

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw problems.invalidDefinition(file, [{ path: '', message: `not valid JSON: ${(error as Error).message}` }]);
  }
}

/** A frame has `municipalities`; anything else is read as a study. */
export function parseDefinitionFile(text: string, file: string): DefinitionFile {
  const json = parseJson(text, file);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw problems.invalidDefinition(file, [{ path: '', message: 'must be a JSON object (a study or a municipality frame)' }]);
  }
  if ('municipalities' in json) {
    const parsed = ZFrame.safeParse(json);
    if (!parsed.success) throw problems.invalidDefinition(file, issuesToDetails(parsed.error));
    return { kind: 'frame', frame: parsed.data };
  }
  const parsed = ZStudyDefinition.safeParse(json);
  if (!parsed.success) throw problems.invalidDefinition(file, issuesToDetails(parsed.error));
  return { kind: 'study', study: parsed.data };
}

/**
 * Puts parsed files together and checks what spans files: unique study and frame ids, every
 * study's frame exists, every eligible-municipality rule can be met.
 */
export function assembleDefinitions(files: { file: string; parsed: DefinitionFile }[]): Definitions {
  const frames = new Map<string, TFrame>();
  const frameFiles = new Map<string, string>();
  const studies: TStudy[] = [];
  const studyFiles = new Map<string, string>();
  for (const { file, parsed } of files) {
    if (parsed.kind === 'frame') {
      const earlier = frameFiles.get(parsed.frame.id);
      if (earlier) throw problems.invalidDefinition(file, [{ path: 'id', message: `frame id "${parsed.frame.id}" is also used by ${earlier}` }]);
      frames.set(parsed.frame.id, parsed.frame);
      frameFiles.set(parsed.frame.id, file);
    }
  }
  for (const { file, parsed } of files) {
    if (parsed.kind !== 'study') continue;
    const details: ProblemDetail[] = [];
    const earlier = studyFiles.get(parsed.study.id);
    if (earlier) details.push({ path: 'id', message: `study id "${parsed.study.id}" is also used by ${earlier}` });
    const frame = frames.get(parsed.study.frame);
    if (!frame) {
      const known = [...frames.keys()].map((k) => `"${k}"`).join(', ') || 'none';
      details.push({ path: 'frame', message: `no municipality frame with id "${parsed.study.frame}" (known frames: ${known})` });
    } else if (!frame.municipalities.some((m) => m.eligible)) {
      details.push({ path: 'frame', message: `frame "${frame.id}" has no eligible municipality` });
    }
    if (details.length > 0) throw problems.invalidDefinition(file, details);
    studies.push(parsed.study);
    studyFiles.set(parsed.study.id, file);
  }
  return { studies, frames };
}
