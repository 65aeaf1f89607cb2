/**
 * The report's weighting choices, per questionnaire (a group): none, equal per municipality
 * (default), size measure, or raked (post-stratified) to the frame's regions, where each region's
 * target is its number of eligible municipalities. Leaders are one per municipality, so equal
 * weighting changes them little — the same choice is applied to every group anyway.
 */
import type { TFrame } from '../frame/schema.ts';
import { problems } from '../errors.ts';
import { makeDesign, type Design } from '../estimation/index.ts';
import type { TWeighting } from '../survey/schema.ts';
import { equalWeights, rake, sizeWeights, type Calibration } from '../weighting/index.ts';

export const weightingLabels: Record<TWeighting, string> = {
  none: 'Uvægtet: hver besvarelse tæller lige meget.',
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
export function weightGroup(cluster: readonly string[], frame: TFrame, weighting: TWeighting): Weighted {
  const { weights, calibration } = groupWeights(cluster, frame, weighting);
  if (new Set(cluster).size < 2) return { weights };
  return { weights, design: makeDesign({ weights, cluster, ...(calibration ? { calibration } : {}) }) };
}

/** The weights alone (the responses export needs no design), from the responses' municipalities. */
export function groupWeights(cluster: readonly string[], frame: TFrame, weighting: TWeighting): { weights: number[]; calibration?: Calibration } {
  if (cluster.length === 0) throw problems.invalidInput('weightGroup: no responses');
  if (weighting === 'none') return { weights: cluster.map(() => 1) };
  if (weighting === 'equal') return { weights: equalWeights(cluster) };
  if (weighting === 'size') return { weights: sizeWeights(cluster, new Map(frame.municipalities.map((m) => [m.code, m.size]))) };
  const regionOf = new Map(frame.municipalities.map((m) => [m.code, m.region]));
  const groups = cluster.map((c) => {
    const region = regionOf.get(c);
    if (region === undefined) throw problems.invalidInput(`municipality ${c} is not in the frame "${frame.id}"`);
    return region;
  });
  const targets = new Map<string, number>();
  for (const m of frame.municipalities) if (m.eligible) targets.set(m.region, (targets.get(m.region) ?? 0) + 1);
  const present = new Set(groups);
  const missing = [...targets.keys()].filter((r) => !present.has(r));
  if (missing.length > 0) {
    const names = missing.map((r) => frame.regions.find((x) => x.code === r)?.name ?? r).join(', ');
    throw problems.invalidInput(`Kan ikke vægte til regionerne: ingen besvarelser fra ${names}. Vælg en anden vægtning.`);
  }
  const raked = rake(equalWeights(cluster), [{ groups, targets }]);
  return { weights: raked.weights, calibration: raked.calibration };
}
