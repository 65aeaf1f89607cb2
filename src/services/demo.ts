/**
 * `--demo`: fill an EMPTY data store with the seeded synthetic responses of every loaded study and
 * record it in the settings (every page then shows a "Demodata" banner). A store that has, or ever
 * had, real responses is refused: demo data never mixes with (or replaces) real answers.
 */
import { generateDemoResponses } from '../demo/generate.ts';
import type { Context } from './context.ts';

export type DemoResult = { loaded: true; responses: number } | { loaded: false; reason: string };

export async function loadDemo(ctx: Context, seed = 2016): Promise<DemoResult> {
  const [settings, existing] = [await ctx.store.settings.read(), await ctx.store.responses.count()];
  if (settings.realResponses === true) {
    return { loaded: false, reason: `the store in ${ctx.store.location} has held real responses, so no demo data was loaded (use an empty data directory for the demo)` };
  }
  if (existing > 0) return { loaded: false, reason: `the store already holds ${existing} responses, so no demo data was loaded` };
  const responses = ctx.definitions.studies.flatMap((study) => {
    const frame = ctx.definitions.frames.get(study.frame);
    return frame ? generateDemoResponses(study, frame, { seed }) : [];
  });
  await ctx.store.responses.addMany(responses);
  await ctx.store.settings.update((s) => {
    s.demo = { loadedAt: ctx.today(), responses: responses.length };
  });
  return { loaded: true, responses: responses.length };
}
