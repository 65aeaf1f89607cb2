/** The report's appendix tables (pure): who answered, by role and region, and how many of each region's municipalities. */
import { invitedMunicipalities } from '../fieldwork/index.ts';
import type { TFrame } from '../frame/schema.ts';
import type { TStudy } from '../survey/schema.ts';

export interface AppendixTable {
  id: string;
  title: string;
  caption: string;
  /** Category labels (rows) × series (groups); values as proportions or counts. */
  categories: string[];
  series: { label: string; values: number[]; counts: number[] }[];
  unit: 'share' | 'count';
}

/** A group of respondents as the appendix sees it: its label, its size and its respondents per municipality. */
export interface AppendixGroup {
  label: string;
  n: number;
  perMunicipality: ReadonlyMap<string, number>;
}

/** The appendix figures: respondents by role and by region, and the share of each region's municipalities that answered. */
export function appendixTables(study: TStudy, frame: TFrame, groups: readonly AppendixGroup[]): AppendixTable[] {
  const source = `Kilde: ${study.organisation}`;
  const tables: AppendixTable[] = [];
  tables.push({
    id: 'a1',
    title: 'Respondenter fordelt på rolle',
    caption: `${source} (${groups.map((g) => `${g.label}/N=${g.n}`).join(', ')})`,
    categories: groups.map((g) => g.label),
    series: [{ label: 'Respondenter', values: groups.map((g) => g.n), counts: groups.map((g) => g.n) }],
    unit: 'count',
  });
  const regions = frame.regions;
  const regionOf = new Map(frame.municipalities.map((m) => [m.code, m.region]));
  tables.push({
    id: 'a2',
    title: 'Respondenter fordelt på regioner',
    caption: `${source} (${groups.map((g) => `${g.label}/N=${g.n}`).join(', ')}). Andel af gruppens respondenter.`,
    categories: regions.map((r) => r.name),
    series: groups.map((g) => {
      const perRegion = new Map<string, number>();
      for (const [m, count] of g.perMunicipality) {
        const region = regionOf.get(m);
        if (region !== undefined) perRegion.set(region, (perRegion.get(region) ?? 0) + count);
      }
      const counts = regions.map((r) => perRegion.get(r.code) ?? 0);
      return { label: g.label, values: counts.map((c) => (g.n ? c / g.n : 0)), counts };
    }),
    unit: 'share',
  });
  // "Invited" as everywhere (the fieldwork page, the raking targets): invitedMunicipalities.
  const invited = invitedMunicipalities(frame);
  const eligible = regions.map((r) => invited.filter((m) => m.region === r.code).length);
  tables.push({
    id: 'a3',
    title: 'Andel af regionens kommuner, der har deltaget',
    caption: `${source}. Kommuner med mindst én besvarelse i forhold til de inviterede kommuner i regionen (${eligible.reduce((a, b) => a + b, 0)} kommuner).`,
    categories: regions.map((r) => r.name),
    series: groups.map((g) => {
      const answered = g.perMunicipality;
      const counts = regions.map((r) => invited.filter((m) => m.region === r.code && answered.has(m.code)).length);
      return { label: g.label, values: counts.map((c, k) => (eligible[k] ? c / eligible[k]! : 0)), counts };
    }),
    unit: 'share',
  });
  return tables;
}

