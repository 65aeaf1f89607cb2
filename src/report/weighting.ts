/**
 * The report's weighting choices, per questionnaire (a group): none, equal per municipality
 * (default), size measure, or raked (post-stratified) to the frame's regions, where each region's
 * target is its number of eligible municipalities (the study's choice when given, else the frame's). Leaders are one per municipality, so equal
 * weighting changes them little — the same choice is applied to every group anyway.
 */
import { invitedMunicipalities } from '../fieldwork/index.ts';
import type { TFrame } from '../frame/schema.ts';
import { problems } from '../errors.ts';
import { makeDesign, type Design } from '../estimation/index.ts';
import type { TWeighting } from '../survey/schema.ts';
import { equalWeights, rake, sizeWeights, type Calibration } from '../weighting/index.ts';
import { asLevels, type Column } from '../levels.ts';

export const weightingLabels: Record<TWeighting, string> = {
  none: 'Som i rapporten (uvægtet): hver besvarelse tæller lige meget.',
  equal: 'Vægtet, så hver kommune tæller lige meget, uanset hvor mange der har svaret fra kommunen.',
  size: 'Vægtet efter kommunens størrelse (indbyggertal), delt ligeligt mellem kommunens besvarelser.',
  raked: 'Vægtet, så hver kommune tæller lige meget, og regionerne vægter som deres andel af de inviterede kommuner.',
};

export interface Weighted {
  weights: number[];
  /** Undefined when the responses come from fewer than two municipalities (no variance possible). */
  design?: Design;
}

/** Weights and design (clusters = municipalities) for one group's responses, given their municipalities. */
export function weightGroup(cluster: Column, frame: TFrame, weighting: TWeighting, eligible?: ReadonlySet<string>): Weighted {
  const clusters = asLevels(cluster); // coded once for the weights and the design
  const { weights, calibration } = groupWeights(clusters, frame, weighting, eligible);
  if (clusters.levels.length < 2) return { weights };
  return { weights, design: makeDesign({ weights, cluster: clusters, ...(calibration ? { calibration } : {}) }) };
}

/** The weights alone (the responses export needs no design), from the responses' municipalities. */
export function groupWeights(cluster: Column, frame: TFrame, weighting: TWeighting, eligible?: ReadonlySet<string>): { weights: number[]; calibration?: Calibration } {
  const clusters = asLevels(cluster);
  if (clusters.of.length === 0) throw problems.invalidInput('weightGroup: no responses');
  if (weighting === 'none') return { weights: new Array<number>(clusters.of.length).fill(1) };
  if (weighting === 'equal') return { weights: equalWeights(clusters) };
  if (weighting === 'size') return { weights: sizeWeights(clusters, new Map(frame.municipalities.map((m) => [m.code, m.size]))) };
  // Each municipality's region, looked up once per municipality (not per response).
  const regionOf = new Map(frame.municipalities.map((m) => [m.code, m.region]));
  const regionOfLevel = clusters.levels.map((c) => {
    const region = regionOf.get(c);
    if (region === undefined) throw problems.invalidInput(`municipality ${c} is not in the frame "${frame.id}"`);
    return region;
  });
  const groups = Array.from(clusters.of, (k) => regionOfLevel[k]!);
  const targets = new Map<string, number>();
  // The invited municipalities per region: the one definition (src/fieldwork invitedMunicipalities).
  for (const m of invitedMunicipalities(frame, eligible)) targets.set(m.region, (targets.get(m.region) ?? 0) + 1);
  const present = new Set(regionOfLevel);
  const missing = [...targets.keys()].filter((r) => !present.has(r));
  if (missing.length > 0) {
    const names = missing.map((r) => frame.regions.find((x) => x.code === r)?.name ?? r).join(', ');
    throw problems.invalidInput(`Kan ikke vægte til regionerne: ingen besvarelser fra ${names}. Vælg en anden vægtning.`);
  }
  const raked = rake(equalWeights(clusters), [{ groups, targets }]);
  return { weights: raked.weights, calibration: raked.calibration };
}
