/**
 * The municipality frame: every municipality with its official three-digit code, region,
 * eligibility for a study (zero-quota municipalities can be left out) and a size measure.
 * Regions are data in the frame file (they are redrawn in 2027), never constants in code.
 */
import { z } from 'zod';

export const ZRegion = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9_]*$/),
    name: z.string().min(1),
  })
  .strict();
export type TRegion = z.infer<typeof ZRegion>;

export const ZMunicipality = z
  .object({
    code: z.string().regex(/^\d{3}$/, 'must be the three-digit municipality code, e.g. "101"'),
    name: z.string().min(1),
    /** Code of a region listed in the frame's `regions`. */
    region: z.string().min(1),
    /** False for municipalities left out of the study (e.g. no refugee quota). */
    eligible: z.boolean(),
    /** Why the default eligibility is what it is (required in the shipped frame for every exclusion): a cited source. */
    eligibilitySource: z.string().min(1).optional(),
    /** Size measure for size weighting (w = size / respondents in the municipality). */
    size: z.number().positive(),
  })
  .strict();
export type TMunicipality = z.infer<typeof ZMunicipality>;

export const ZFrame = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_-]*$/),
    title: z.string().min(1),
    /** What `size` measures, e.g. "Indbyggere 1. januar 2024". */
    sizeMeasure: z.string().min(1),
    source: z.string().min(1),
    regions: z.array(ZRegion).min(1),
    municipalities: z.array(ZMunicipality).min(1),
  })
  .strict()
  .superRefine((frame, ctx) => {
    const regionCodes = new Set<string>();
    frame.regions.forEach((r, i) => {
      if (regionCodes.has(r.code)) ctx.addIssue({ code: 'custom', path: ['regions', i, 'code'], message: `duplicate region code "${r.code}"` });
      regionCodes.add(r.code);
    });
    const codes = new Set<string>();
    frame.municipalities.forEach((m, i) => {
      if (codes.has(m.code)) ctx.addIssue({ code: 'custom', path: ['municipalities', i, 'code'], message: `duplicate municipality code "${m.code}"` });
      codes.add(m.code);
      if (!regionCodes.has(m.region))
        ctx.addIssue({ code: 'custom', path: ['municipalities', i, 'region'], message: `unknown region "${m.region}"` });
    });
  });
export type TFrame = z.infer<typeof ZFrame>;
