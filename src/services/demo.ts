/**
 * `--demo`: fill an EMPTY data store with the 2016 report's respondents rebuilt from its figures
 * (src/demo/) for every loaded study, among the study's eligible municipalities, and
 * record it in the settings (every page then shows a "Demodata" banner). A store that has, or ever
 * had, real responses is refused: demo data never mixes with (or replaces) real answers.
 */
import { generateDemoResponses } from '../demo/generate.ts';
import type { TResponse } from '../survey/schema.ts';
import type { Context } from './context.ts';
import { studyEligibility } from './studies.ts';

export type DemoResult = { loaded: true; responses: number } | { loaded: false; reason: string };

export async function loadDemo(ctx: Context, seed = 2016): Promise<DemoResult> {
  const [settings, existing] = [await ctx.store.settings.read(), await ctx.store.responses.count()];
  if (settings.realResponses === true) {
    return { loaded: false, reason: `the store in ${ctx.store.location} has held real responses, so no demo data was loaded (use an empty data directory for the demo)` };
  }
  if (existing > 0) return { loaded: false, reason: `the store already holds ${existing} responses, so no demo data was loaded` };
  const responses: TResponse[] = [];
  for (const study of ctx.definitions.studies) {
    const frame = ctx.definitions.frames.get(study.frame);
    if (frame) responses.push(...generateDemoResponses(study, frame, { seed, eligible: await studyEligibility(ctx, study) }));
  }
  await ctx.store.responses.addMany(responses);
  await ctx.store.settings.update((s) => {
    s.demo = { loadedAt: ctx.today(), responses: responses.length };
  });
  return { loaded: true, responses: responses.length };
}
