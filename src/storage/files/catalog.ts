/**
 * The catalog (studies made in praksis, their drafts and published versions, and test answers) in
 * `catalog.json`: one JSON document (./document.ts: validated, written durably, changed through
 * one chain). Every change is a compare-and-set on a revision inside that chain, so of two changes
 * from one revision exactly one is stored. The file is created by the first change.
 */
import { z } from 'zod';
import { ZPublishedVersion, ZQuestionnaireHead, ZStoredStudy, ZTestResponse, type TCatalogDocument, type TPublishedVersion, type TQuestionnaireHead, type TStoredStudy, type TTestResponse } from '../../survey/catalog.ts';
import type { TQuestionnaire } from '../../survey/schema.ts';
import { changedStudy, checkCatalogDocument, checkDraft, checkNewStudy, checkTest, checkVersion } from '../catalog-checks.ts';
import type { CatalogPort } from '../ports.ts';
import { deepFreeze } from '../shared.ts';
import { LazyDocument } from './document.ts';
import type { FileIO } from './io.ts';

const ZCatalogFile = z.object({
  studies: z.array(ZStoredStudy).default([]),
  heads: z.array(ZQuestionnaireHead).default([]),
  versions: z.array(ZPublishedVersion).default([]),
  tests: z.array(ZTestResponse).default([]),
});
type CatalogFile = z.infer<typeof ZCatalogFile>;
const SCHEMA = ZCatalogFile as z.ZodType<CatalogFile>;
const EMPTY: CatalogFile = { studies: [], heads: [], versions: [], tests: [] };

const sameHead = (study: string, questionnaire: string) => (h: TQuestionnaireHead) => h.study === study && h.questionnaire === questionnaire;

export class FileCatalog implements CatalogPort {
  readonly #doc: LazyDocument<CatalogFile>;

  private constructor(doc: LazyDocument<CatalogFile>) {
    this.#doc = doc;
  }

  static async open(file: string, io: FileIO): Promise<FileCatalog> {
    return new FileCatalog(await LazyDocument.open(file, SCHEMA, 'studies and questionnaires', io));
  }

  async #data(): Promise<CatalogFile> {
    return (await this.#doc.data()) ?? EMPTY;
  }

  /** Runs `plan` on the current data in the chain; commits what it returns as `next` (nothing when it returns no `next`). */
  async #change<R>(plan: (data: CatalogFile) => { next?: CatalogFile; result: R }): Promise<R> {
    const doc = await this.#doc.document();
    return doc.serial(async () => {
      const { next, result } = plan(doc.data);
      if (next) await doc.commit(next);
      return structuredClone(result);
    });
  }

  async studies(): Promise<TStoredStudy[]> {
    return structuredClone([...(await this.#data()).studies].sort((a, b) => (a.settings.id < b.settings.id ? -1 : 1)));
  }

  async study(id: string): Promise<TStoredStudy | undefined> {
    const found = (await this.#data()).studies.find((s) => s.settings.id === id);
    return found && structuredClone(found);
  }

  async addStudy(study: TStoredStudy, drafts: readonly TQuestionnaire[]): Promise<boolean> {
    const checked = checkNewStudy(study, drafts);
    const id = checked.study.settings.id;
    return this.#change((data) => {
      // The id is taken, too, while a head or version of it is stored (a revision is never reset).
      if (data.studies.some((s) => s.settings.id === id) || data.heads.some((h) => h.study === id) || data.versions.some((v) => v.study === id)) return { result: false };
      const heads = checked.drafts.map((d) => ({ study: id, questionnaire: d.id, draft: d, revision: 1 }));
      return { next: { ...data, studies: [...data.studies, checked.study], heads: [...data.heads, ...heads] }, result: true };
    });
  }

  updateStudy(id: string, expectedRevision: number, change: Partial<Pick<TStoredStudy, 'settings' | 'questionnaires' | 'archived'>>): Promise<TStoredStudy | 'conflict' | undefined> {
    return this.#change<TStoredStudy | 'conflict' | undefined>((data) => {
      const at = data.studies.findIndex((s) => s.settings.id === id);
      if (at < 0) return { result: undefined };
      const current = data.studies[at]!;
      if (current.revision !== expectedRevision) return { result: 'conflict' };
      const next = changedStudy(current, change);
      const studies = [...data.studies];
      studies[at] = next;
      return { next: { ...data, studies }, result: next };
    });
  }

  async head(study: string, questionnaire: string): Promise<TQuestionnaireHead | undefined> {
    const found = (await this.#data()).heads.find(sameHead(study, questionnaire));
    return found && structuredClone(found);
  }

  async heads(study: string): Promise<TQuestionnaireHead[]> {
    return structuredClone((await this.#data()).heads.filter((h) => h.study === study).sort((a, b) => (a.questionnaire < b.questionnaire ? -1 : 1)));
  }

  async saveDraft(study: string, questionnaire: string, draft: TQuestionnaire | null, expectedRevision: number): Promise<TQuestionnaireHead | 'conflict'> {
    const checked = checkDraft(draft, study, questionnaire);
    return this.#change<TQuestionnaireHead | 'conflict'>((data) => {
      const at = data.heads.findIndex(sameHead(study, questionnaire));
      const current = at < 0 ? undefined : data.heads[at]!;
      if ((current?.revision ?? 0) !== expectedRevision) return { result: 'conflict' };
      const next = ZQuestionnaireHead.parse({ study, questionnaire, draft: checked, revision: expectedRevision + 1 });
      const heads = [...data.heads];
      if (at < 0) heads.push(next);
      else heads[at] = next;
      return { next: { ...data, heads }, result: next };
    });
  }

  /** Published versions never change: they are handed out frozen, not copied (every respondent request reads them). */
  async versions(study: string, questionnaire?: string): Promise<TPublishedVersion[]> {
    const data = await this.#data();
    return data.versions
      .filter((v) => v.study === study && (questionnaire === undefined || v.questionnaire === questionnaire))
      .sort((a, b) => (a.questionnaire < b.questionnaire ? -1 : a.questionnaire > b.questionnaire ? 1 : a.version - b.version))
      .map(deepFreeze);
  }

  async publish(version: TPublishedVersion, expectedRevision: number): Promise<TQuestionnaireHead | 'conflict'> {
    const checked = checkVersion(version);
    return this.#change<TQuestionnaireHead | 'conflict'>((data) => {
      const at = data.heads.findIndex(sameHead(checked.study, checked.questionnaire));
      const current = at < 0 ? undefined : data.heads[at]!;
      if (!current || current.revision !== expectedRevision) return { result: 'conflict' };
      const latest = Math.max(0, ...data.versions.filter((v) => v.study === checked.study && v.questionnaire === checked.questionnaire).map((v) => v.version));
      if (checked.version !== latest + 1) return { result: 'conflict' };
      const next: TQuestionnaireHead = { ...current, draft: null, revision: current.revision + 1 };
      const heads = [...data.heads];
      heads[at] = next;
      return { next: { ...data, heads, versions: [...data.versions, checked] }, result: next };
    });
  }

  async addTest(response: TTestResponse): Promise<void> {
    const checked = checkTest(response);
    return this.#change((data) => {
      if (data.tests.some((t) => t.id === checked.id)) throw new Error(`a test answer with the id "${checked.id}" is stored already; nothing was stored`);
      return { next: { ...data, tests: [...data.tests, checked] }, result: undefined };
    });
  }

  async tests(study: string, questionnaire?: string): Promise<TTestResponse[]> {
    const tests = (await this.#data()).tests.filter((t) => t.study === study && (questionnaire === undefined || t.questionnaire === questionnaire));
    return structuredClone(tests.sort((a, b) => (a.id < b.id ? -1 : 1)));
  }

  async clearTests(study: string, questionnaire?: string): Promise<number> {
    if ((await this.#doc.data()) === undefined) return 0;
    return this.#change((data) => {
      const kept = data.tests.filter((t) => !(t.study === study && (questionnaire === undefined || t.questionnaire === questionnaire)));
      const removed = data.tests.length - kept.length;
      return removed === 0 ? { result: 0 } : { next: { ...data, tests: kept }, result: removed };
    });
  }

  async data(): Promise<TCatalogDocument> {
    return structuredClone(await this.#data());
  }

  async load(data: TCatalogDocument): Promise<void> {
    const parsed = checkCatalogDocument(data);
    await this.#change((current) => {
      if (current.studies.length + current.heads.length + current.versions.length + current.tests.length > 0) throw new Error(`${this.#doc.file} already holds studies or questionnaires; they are not overwritten`);
      return { next: parsed, result: undefined };
    });
  }

  close(): Promise<void> {
    return this.#doc.close();
  }
}
