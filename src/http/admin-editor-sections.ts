/**
 * The editor's section forms (title and intro of a section; a new section, which starts with one
 * text question), added to the editor's router (admin-editor.ts). Refused saves: the problems next
 * to the fields (400.18) or the conflict with the posted text kept (412); nothing saved.
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import { problems, type ProblemDetail } from '../errors.ts';
import type { Context } from '../services/context.ts';
import { applyEdit, editorView, sectionOf, type EditorView } from '../services/editor.ts';
import * as edit from '../survey/edit.ts';
import { text } from '../survey/edit-form.ts';
import { BASE, CONFLICT, ids, isRefusal, overlong } from './editor-shared.ts';
import { signedInActor } from './auth.ts';
import { editUrl } from './editor-page.ts';
import { formBody, param } from './router.ts';

interface Shared {
  rule: RequestHandler;
  csrf: RequestHandler;
  csrfToken: RequestHandler;
  view: (req: Request) => Promise<EditorView>;
}

interface SectionShown {
  id?: string;
  title: string;
  intro?: string;
}

export function sectionRoutes(router: Router, ctx: Context, { rule, csrf, csrfToken, view }: Shared): void {
  const sectionForm = (res: Response, v: EditorView, section: SectionShown, extra: { problems?: ProblemDetail[]; conflict?: string } = {}, status = 200) => {
    const index = section.id === undefined ? v.questionnaire.sections.length : v.questionnaire.sections.findIndex((s) => s.id === section.id);
    const own = (field: string) => `sections[${index}].${field}`;
    const messages = (field: string) => (extra.problems ?? []).filter((d) => d.path === own(field)).map((d) => d.message);
    const others = (extra.problems ?? []).filter((d) => d.path !== own('title') && d.path !== own('intro'));
    const base = editUrl(v.study, v.questionnaire.id);
    res.status(status).render('admin/editor-section', {
      title: section.id ? `Rediger afsnit ${section.id}` : 'Nyt afsnit',
      view: v,
      section,
      action: section.id ? `${base}/sections/${section.id}` : `${base}/new-section`,
      base,
      errors: { title: messages('title'), intro: messages('intro') },
      others,
      conflict: extra.conflict,
    });
  };

  const saveSection = (isNew: boolean) => async (req: Request, res: Response) => {
    const at = ids(req);
    const v = await view(req);
    if (v.template) throw problems.readOnlyTemplate(at.study);
    const sectionId = isNew ? undefined : sectionOf(v, param(req, 'section')).id;
    const body = formBody(req.body);
    const posted = { title: text(body, 'title').trim(), intro: text(body, 'intro').trim() };
    const shown = { ...(sectionId ? { id: sectionId } : {}), ...posted };
    const index = sectionId === undefined ? v.questionnaire.sections.length : v.questionnaire.sections.findIndex((s) => s.id === sectionId);
    const tooLong = overlong(body, `sections[${index}]`);
    if (tooLong.length > 0) return sectionForm(res, v, shown, { problems: tooLong }, 400);
    try {
      const saved = await applyEdit(ctx, signedInActor(res), at.study, at.questionnaire, body.revision, (draft) =>
        sectionId === undefined ? edit.addSection(draft, posted, edit.newQuestion('text', draft)) : edit.updateSection(draft, sectionId, posted));
      res.redirect(303, `${editUrl(at.study, at.questionnaire)}?gemt=1#s-${sectionId ?? saved.questionnaire.sections.at(-1)!.id}`);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      if (error.status === 412) return sectionForm(res, await editorView(ctx, at.study, at.questionnaire), shown, { conflict: CONFLICT }, 412);
      await sectionForm(res, v, shown, { problems: error.details }, error.status);
    }
  };

  router.get(`${BASE}/new-section`, rule, csrfToken, async (req, res) => sectionForm(res, await view(req), { title: '' }));
  router.post(`${BASE}/new-section`, rule, csrf, csrfToken, saveSection(true));
  router.get(`${BASE}/sections/:section`, rule, csrfToken, async (req, res) => {
    const v = await view(req);
    sectionForm(res, v, sectionOf(v, param(req, 'section')));
  });
  router.post(`${BASE}/sections/:section`, rule, csrf, csrfToken, saveSection(false));
}
