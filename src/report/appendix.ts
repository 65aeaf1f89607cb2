/**
 * The report's appendix tables (pure), as the 2016 report's "Evalueringens metodegrundlag" shows
 * them, one group per table so each keeps its N in the caption ("Kilde: LG Insight, N=69"):
 * the answers to questions marked `appendixTitle` (the respondents' roles), the respondents by
 * region, and the share of each region's eligible municipalities that answered (N = municipalities).
 */
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

/** One tabulated question of a group: its labels in questionnaire order and the respondents choosing each. */
export interface AppendixTally {
  question: string;
  title: string;
  labels: string[];
  counts: number[];
  /** Respondents who answered the question. */
  n: number;
}

/** A group of respondents as the appendix sees it: its label, its size and its respondents per municipality. */
export interface AppendixGroup {
  label: string;
  n: number;
  perMunicipality: ReadonlyMap<string, number>;
  tallies: readonly AppendixTally[];
}

const share = (counts: number[], n: number) => counts.map((c) => (n ? c / n : 0));

/** The appendix figures; `eligible` is the study's eligible municipalities (the frame's by default). */
export function appendixTables(study: TStudy, frame: TFrame, groups: readonly AppendixGroup[], eligible?: ReadonlySet<string>): AppendixTable[] {
  const source = `Kilde: ${study.organisation}`;
  const tables: AppendixTable[] = [];
  const slug = (text: string) => text.toLowerCase().normalize('NFD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  for (const g of groups) {
    for (const t of g.tallies) {
      tables.push({
        id: `${t.question}-${slug(g.label)}`,
        title: t.title,
        caption: `${source}, N=${t.n}`,
        categories: t.labels,
        series: [{ label: g.label, values: share(t.counts, t.n), counts: t.counts }],
        unit: 'share',
      });
    }
  }
  const regions = frame.regions;
  const regionOf = new Map(frame.municipalities.map((m) => [m.code, m.region]));
  for (const g of groups) {
    const perRegion = new Map<string, number>();
    for (const [m, count] of g.perMunicipality) {
      const region = regionOf.get(m);
      if (region !== undefined) perRegion.set(region, (perRegion.get(region) ?? 0) + count);
    }
    const counts = regions.map((r) => perRegion.get(r.code) ?? 0);
    tables.push({
      id: `regioner-${slug(g.label)}`,
      title: `${g.label} fordelt på regioner`,
      caption: `${source}, N=${g.n}`,
      categories: regions.map((r) => r.name),
      series: [{ label: g.label, values: share(counts, g.n), counts }],
      unit: 'share',
    });
  }
  // "Invited" as everywhere (the fieldwork page, the raking targets): invitedMunicipalities.
  const invitedList = invitedMunicipalities(frame, eligible);
  const eligibleIn = regions.map((r) => invitedList.filter((m) => m.region === r.code));
  const invited = eligibleIn.reduce((a, b) => a + b.length, 0);
  for (const g of groups) {
    const counts = eligibleIn.map((list) => list.filter((m) => g.perMunicipality.has(m.code)).length);
    const answered = counts.reduce((a, b) => a + b, 0);
    tables.push({
      id: `andel-kommuner-${slug(g.label)}`,
      title: `Andel af regionens kommuner, hvor ${g.label.toLowerCase()} har deltaget`,
      caption: `${source}, N=${answered} kommuner (af ${invited} inviterede)`,
      categories: regions.map((r) => r.name),
      series: [{ label: g.label, values: counts.map((c, k) => (eligibleIn[k]!.length ? c / eligibleIn[k]!.length : 0)), counts }],
      unit: 'share',
    });
  }
  return tables;
}
