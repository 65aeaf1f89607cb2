/** The mail-merge CSV of new invitation links (pure): municipality, name, region, questionnaire, url. */
import type { TFrame } from '../frame/schema.ts';
import type { IssuedLink } from '../storage/ports.ts';
import { toCsv } from './csv.ts';

export function linksCsv(frame: TFrame, questionnaire: string, baseUrl: string, links: readonly IssuedLink[]): string {
  const byCode = new Map(frame.municipalities.map((m) => [m.code, m]));
  const regionName = new Map(frame.regions.map((r) => [r.code, r.name]));
  return toCsv(
    links.map((l) => ({ ...l, m: byCode.get(l.municipality) })),
    [
      { label: 'municipality', value: (r) => r.municipality, raw: true },
      { label: 'name', value: (r) => r.m?.name },
      { label: 'region', value: (r) => regionName.get(r.m?.region ?? '') },
      { label: 'questionnaire', value: () => questionnaire, raw: true },
      { label: 'url', value: (r) => `${baseUrl}/i/${r.token}`, raw: true },
    ],
  );
}
