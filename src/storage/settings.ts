/**
 * Evaluator settings (zod): credential hashes, the session secret, the export secret, whether
 * demo data was loaded and whether real responses were ever stored. Stored by an adapter (files: `settings.json`, ./files/settings.ts).
 */
import { z } from 'zod';

export const ZSettings = z
  .object({
    adminPasswordHash: z.string().optional(),
    apiKeyHash: z.string().optional(),
    sessionSecret: z.string().optional(),
    demo: z.object({ loadedAt: z.string(), responses: z.number() }).optional(),
    /** Secret for the pseudonymous cluster ids in the responses export (stable per data directory). */
    exportSecret: z.string().optional(),
    /** Set at the first real (not demo) response and never unset: `--demo` refuses such a store. */
    realResponses: z.literal(true).optional(),
    /** Per study id: the municipality codes the evaluator made eligible (absent: the frame's `eligible`). */
    eligibility: z.record(z.string(), z.array(z.string().regex(/^\d{3}$/))).optional(),
    /** Secret the invitation links' tokens are derived from (src/fieldwork linkToken), so a reminder re-sends the same link. */
    linkSecret: z.string().optional(),
  })
  .passthrough();
export type Settings = z.infer<typeof ZSettings>;
