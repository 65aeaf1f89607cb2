/**
 * The editor's form for the questionnaire itself: its title, the group label used in figures and
 * captions, the landing page's intro and the minutes it takes. Refused saves: the problems next to
 * the fields (400.18) or the conflict with the posted text kept (412); nothing saved.
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import { problems, type ProblemDetail } from '../errors.ts';
import type { Context } from '../services/context.ts';
import { applyEdit, editorView, type EditorView } from '../services/editor.ts';
import { text } from '../survey/edit-form.ts';
import { signedInActor } from './auth.ts';
import { editUrl } from './editor-page.ts';
import { BASE, CONFLICT, ids, isRefusal, overlong } from './editor-shared.ts';
import { formBody } from './router.ts';

interface Shared {
  rule: RequestHandler;
  csrf: RequestHandler;
  csrfToken: RequestHandler;
  view: (req: Request) => Promise<EditorView>;
}

const FIELDS = ['title', 'group', 'intro', 'minutes'] as const;
type Shown = Record<(typeof FIELDS)[number], string>;

export function questionnaireRoutes(router: Router, ctx: Context, { rule, csrf, csrfToken, view }: Shared): void {
  const form = (res: Response, v: EditorView, shown: Shown, extra: { problems?: ProblemDetail[]; conflict?: string } = {}, status = 200) => {
    const errors = Object.fromEntries(FIELDS.map((f) => [f, (extra.problems ?? []).filter((d) => d.path === f).map((d) => d.message)]));
    const others = (extra.problems ?? []).filter((d) => !(FIELDS as readonly string[]).includes(d.path));
    res.status(status).render('admin/editor-questionnaire', { title: `Spørgeskemaet »${v.questionnaire.title}«`, view: v, shown, base: editUrl(v.study, v.questionnaire.id), errors, others, conflict: extra.conflict });
  };
  const current = (v: EditorView): Shown => ({ title: v.questionnaire.title, group: v.questionnaire.group, intro: v.questionnaire.intro, minutes: String(v.questionnaire.minutes) });

  router.get(`${BASE}/questionnaire`, rule, csrfToken, async (req, res) => {
    const v = await view(req);
    form(res, v, current(v));
  });

  router.post(`${BASE}/questionnaire`, rule, csrf, csrfToken, async (req, res) => {
    const at = ids(req);
    const v = await view(req);
    if (v.template) throw problems.readOnlyTemplate(at.study);
    const body = formBody(req.body);
    const shown: Shown = { title: text(body, 'title').trim(), group: text(body, 'group').trim(), intro: text(body, 'intro').trim(), minutes: text(body, 'minutes').trim() };
    const tooLong = overlong(body, '');
    if (tooLong.length > 0) return form(res, v, shown, { problems: tooLong }, 400);
    // A number that does not parse is passed on as typed, so the schema names the field.
    const minutes = /^\d{1,4}$/.test(shown.minutes) ? Number(shown.minutes) : shown.minutes;
    try {
      await applyEdit(ctx, signedInActor(res), at.study, at.questionnaire, body.revision, (draft) => ({ ...draft, title: shown.title, group: shown.group, intro: shown.intro, minutes: minutes as number }));
      res.redirect(303, `${editUrl(at.study, at.questionnaire)}?gemt=1`);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      if (error.status === 412) return form(res, await editorView(ctx, at.study, at.questionnaire), shown, { conflict: CONFLICT }, 412);
      form(res, v, shown, { problems: error.details }, error.status);
    }
  });
}
