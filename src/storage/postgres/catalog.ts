/**
 * The catalog (CatalogPort) in four tables (migration 006_catalog.sql): `catalog_studies`,
 * `catalog_heads`, `catalog_versions` and `catalog_tests`. Every change is a compare-and-set that
 * the database decides, so it holds across instances: `UPDATE … WHERE revision = $expected` (a
 * second writer waits for the first's row lock, then finds the revision moved and changes
 * nothing), `INSERT … ON CONFLICT DO NOTHING` for what must not exist yet, and one transaction for
 * a publication (the head's row lock first, then the version number checked against the stored
 * ones). Rows read back are validated with the records' zod schemas, as the file adapter's document is.
 */
import type pg from 'pg';
import type { z } from 'zod';
import { ZPublishedVersion, ZQuestionnaireHead, ZStoredStudy, ZTestResponse, type TCatalogDocument, type TPublishedVersion, type TQuestionnaireHead, type TStoredStudy, type TTestResponse } from '../../survey/catalog.ts';
import { ZQuestionnaire, type TQuestionnaire } from '../../survey/schema.ts';
import { contentHash } from '../../survey/versions.ts';
import { deepFreeze } from '../shared.ts';
import { changedStudy, checkCatalogDocument, checkDraft, checkNewStudy, checkRecord, checkTest, checkVersion, issuesOf } from '../catalog-checks.ts';
import type { CatalogPort } from '../ports.ts';
import { transaction } from './transaction.ts';
import { intoEmpty, snapshot } from './transfer-more.ts';

type Db = pg.Pool | pg.PoolClient;
interface StudyRow {
  record: object;
  revision: number;
}
interface HeadRow {
  study: string;
  questionnaire: string;
  draft: unknown;
  revision: number;
}

/** A row that no longer fits its record (changed by hand) is refused with its reason. */
function fromRow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new Error(`${what} in the database is not valid (${issuesOf(parsed.error)}); restore it from a backup`);
}

const studyOf = (row: StudyRow, id: string) => fromRow(ZStoredStudy, { ...row.record, revision: row.revision }, `the study "${id}"`);
const headOf = (row: HeadRow) => fromRow(ZQuestionnaireHead, row, `the head of "${row.study}/${row.questionnaire}"`);
const versionOf = (record: unknown) => fromRow(ZPublishedVersion, record, 'a published version');
const testOf = (record: unknown) => fromRow(ZTestResponse, record, 'a test answer');
/** The stored study without its revision (that is the column). */
const recordOf = ({ revision: _revision, ...record }: TStoredStudy) => JSON.stringify(record);
const jsonOrNull = (value: unknown) => (value === null ? null : JSON.stringify(value));

const HEAD = 'study, questionnaire, draft, revision';
const TABLES = ['catalog_studies', 'catalog_heads', 'catalog_versions', 'catalog_tests'];

const ZVersionFields = ZPublishedVersion.omit({ definition: true });

/** Published definitions by content hash (least recently used dropped beyond DEFINITIONS). */
const DEFINITIONS = 64;
const definitions = new Map<string, TQuestionnaire>();
function remember(hash: string, definition: TQuestionnaire): void {
  definitions.delete(hash);
  definitions.set(hash, definition);
  if (definitions.size > DEFINITIONS) definitions.delete(definitions.keys().next().value!);
}

/** Thrown inside a transaction to roll it back and answer 'conflict' (or false). */
class Refused extends Error {}

async function readStudies(db: Db, id?: string): Promise<TStoredStudy[]> {
  const { rows } = await db.query<StudyRow & { id: string }>(
    `SELECT id, record, revision FROM catalog_studies ${id === undefined ? '' : 'WHERE id = $1'} ORDER BY id COLLATE "C"`,
    id === undefined ? [] : [id],
  );
  return rows.map((r) => studyOf(r, r.id));
}

async function readHeads(db: Db, study?: string): Promise<TQuestionnaireHead[]> {
  const { rows } = await db.query<HeadRow>(
    `SELECT ${HEAD} FROM catalog_heads ${study === undefined ? '' : 'WHERE study = $1'} ORDER BY study COLLATE "C", questionnaire COLLATE "C"`,
    study === undefined ? [] : [study],
  );
  return rows.map(headOf);
}

async function readVersions(db: Db, study?: string, questionnaire?: string): Promise<TPublishedVersion[]> {
  const where = study === undefined ? '' : questionnaire === undefined ? 'WHERE study = $1' : 'WHERE study = $1 AND questionnaire = $2';
  const { rows } = await db.query<{ record: unknown }>(
    `SELECT record FROM catalog_versions ${where} ORDER BY study COLLATE "C", questionnaire COLLATE "C", version`,
    [study, questionnaire].filter((x) => x !== undefined),
  );
  return rows.map((r) => versionOf(r.record));
}

async function readTests(db: Db, study?: string, questionnaire?: string): Promise<TTestResponse[]> {
  const where = study === undefined ? '' : questionnaire === undefined ? 'WHERE study = $1' : 'WHERE study = $1 AND questionnaire = $2';
  const { rows } = await db.query<{ record: unknown }>(`SELECT record FROM catalog_tests ${where} ORDER BY id COLLATE "C"`, [study, questionnaire].filter((x) => x !== undefined));
  return rows.map((r) => testOf(r.record));
}

export class PostgresCatalog implements CatalogPort {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  studies(): Promise<TStoredStudy[]> {
    return readStudies(this.#pool);
  }

  async study(id: string): Promise<TStoredStudy | undefined> {
    return (await readStudies(this.#pool, id))[0];
  }

  async addStudy(study: TStoredStudy, drafts: readonly TQuestionnaire[]): Promise<boolean> {
    const checked = checkNewStudy(study, drafts);
    const id = checked.study.settings.id;
    try {
      return await transaction(this.#pool, async (client) => {
        const added = await client.query('INSERT INTO catalog_studies (id, record, revision) VALUES ($1, $2::jsonb, 1) ON CONFLICT (id) DO NOTHING', [id, recordOf(checked.study)]);
        if (added.rowCount !== 1) return false;
        // The id is taken, too, while a head or version of it is stored (a revision is never reset).
        const held = await client.query('SELECT 1 FROM catalog_heads WHERE study = $1 UNION ALL SELECT 1 FROM catalog_versions WHERE study = $1 LIMIT 1', [id]);
        if (held.rows.length > 0) throw new Refused();
        const heads = await client.query(
          `INSERT INTO catalog_heads (study, questionnaire, draft, revision)
           SELECT $1, d->>'id', d, 1 FROM jsonb_array_elements($2::jsonb) AS d ON CONFLICT DO NOTHING`,
          [id, JSON.stringify(checked.drafts)],
        );
        if (heads.rowCount !== checked.drafts.length) throw new Refused();
        return true;
      });
    } catch (error) {
      if (error instanceof Refused) return false;
      throw error;
    }
  }

  async updateStudy(id: string, expectedRevision: number, change: Partial<Pick<TStoredStudy, 'settings' | 'questionnaires' | 'archived'>>): Promise<TStoredStudy | 'conflict' | undefined> {
    const [current] = await readStudies(this.#pool, id);
    if (!current) return undefined;
    if (current.revision !== expectedRevision) return 'conflict';
    const next = changedStudy(current, change);
    // The compare-and-set: of two updates from one revision, the second finds it moved and changes nothing.
    const { rowCount } = await this.#pool.query('UPDATE catalog_studies SET record = $3::jsonb, revision = revision + 1 WHERE id = $1 AND revision = $2', [id, expectedRevision, recordOf(next)]);
    return rowCount === 1 ? next : 'conflict';
  }

  async head(study: string, questionnaire: string): Promise<TQuestionnaireHead | undefined> {
    const { rows } = await this.#pool.query<HeadRow>(`SELECT ${HEAD} FROM catalog_heads WHERE study = $1 AND questionnaire = $2`, [study, questionnaire]);
    return rows[0] && headOf(rows[0]);
  }

  heads(study: string): Promise<TQuestionnaireHead[]> {
    return readHeads(this.#pool, study);
  }

  async saveDraft(study: string, questionnaire: string, draft: TQuestionnaire | null, expectedRevision: number): Promise<TQuestionnaireHead | 'conflict'> {
    const checked = checkDraft(draft, study, questionnaire);
    checkRecord(ZQuestionnaireHead, { study, questionnaire, draft: checked, revision: expectedRevision + 1 }, `the head of "${study}/${questionnaire}"`);
    const { rows } =
      expectedRevision === 0
        ? await this.#pool.query<HeadRow>(`INSERT INTO catalog_heads (${HEAD}) VALUES ($1, $2, $3::jsonb, 1) ON CONFLICT DO NOTHING RETURNING ${HEAD}`, [study, questionnaire, jsonOrNull(checked)])
        : await this.#pool.query<HeadRow>(
            `UPDATE catalog_heads SET draft = $3::jsonb, revision = revision + 1 WHERE study = $1 AND questionnaire = $2 AND revision = $4 RETURNING ${HEAD}`,
            [study, questionnaire, jsonOrNull(checked), expectedRevision],
          );
    return rows[0] ? headOf(rows[0]) : 'conflict';
  }

  /**
   * Every respondent request of a stored study reads its versions, so only their small fields are
   * read each time; a definition (tens of kB of jsonb, validated) is read once per content hash and
   * then reused (a hash names one content forever, so this holds on every instance; checked
   * against contentHash when read). Handed out frozen.
   */
  async versions(study: string, questionnaire?: string): Promise<TPublishedVersion[]> {
    const where = questionnaire === undefined ? 'WHERE study = $1' : 'WHERE study = $1 AND questionnaire = $2';
    const { rows } = await this.#pool.query<{ record: Record<string, unknown>; hash: string }>(
      `SELECT record - 'definition' AS record, record->>'hash' AS hash FROM catalog_versions ${where} ORDER BY study COLLATE "C", questionnaire COLLATE "C", version`,
      questionnaire === undefined ? [study] : [study, questionnaire],
    );
    const missing = [...new Set(rows.map((r) => r.hash).filter((h) => !definitions.has(h)))];
    if (missing.length > 0) {
      const found = await this.#pool.query<{ hash: string; definition: unknown }>(
        `SELECT DISTINCT ON (record->>'hash') record->>'hash' AS hash, record->'definition' AS definition FROM catalog_versions WHERE record->>'hash' = ANY($1::text[])`,
        [missing],
      );
      for (const r of found.rows) {
        const definition = fromRow(ZQuestionnaire, r.definition, 'a published version');
        if (contentHash(definition) !== r.hash) throw new Error(`a published version in the database does not match its content hash ${r.hash}; restore it from a backup`);
        remember(r.hash, deepFreeze(definition));
      }
    }
    return rows.map((r) => {
      const definition = definitions.get(r.hash);
      if (!definition) throw new Error(`the published version with hash ${r.hash} went missing while it was read`);
      // The small fields are validated on every read; the definition was when it was first read.
      return deepFreeze({ ...fromRow(ZVersionFields, r.record, 'a published version'), definition });
    });
  }

  async publish(version: TPublishedVersion, expectedRevision: number): Promise<TQuestionnaireHead | 'conflict'> {
    const checked = checkVersion(version);
    const { study, questionnaire } = checked;
    try {
      return await transaction(this.#pool, async (client) => {
        // The head's row lock: publications (and saves) of this questionnaire wait here for each other.
        const { rows } = await client.query<HeadRow>(
          `UPDATE catalog_heads SET draft = NULL, revision = revision + 1 WHERE study = $1 AND questionnaire = $2 AND revision = $3 RETURNING ${HEAD}`,
          [study, questionnaire, expectedRevision],
        );
        if (!rows[0]) throw new Refused();
        const latest = await client.query<{ n: number }>('SELECT coalesce(max(version), 0)::integer AS n FROM catalog_versions WHERE study = $1 AND questionnaire = $2', [study, questionnaire]);
        if (checked.version !== latest.rows[0]!.n + 1) throw new Refused();
        const added = await client.query('INSERT INTO catalog_versions (study, questionnaire, version, record) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT DO NOTHING', [
          study,
          questionnaire,
          checked.version,
          JSON.stringify(checked),
        ]);
        if (added.rowCount !== 1) throw new Refused();
        return headOf(rows[0]);
      });
    } catch (error) {
      if (error instanceof Refused) return 'conflict';
      throw error;
    }
  }

  async addTest(response: TTestResponse): Promise<void> {
    const checked = checkTest(response);
    const { rowCount } = await this.#pool.query('INSERT INTO catalog_tests (id, study, questionnaire, record) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (id) DO NOTHING', [
      checked.id,
      checked.study,
      checked.questionnaire,
      JSON.stringify(checked),
    ]);
    if (rowCount !== 1) throw new Error(`a test answer with the id "${checked.id}" is stored already; nothing was stored`);
  }

  tests(study: string, questionnaire?: string): Promise<TTestResponse[]> {
    return readTests(this.#pool, study, questionnaire);
  }

  async clearTests(study: string, questionnaire?: string): Promise<number> {
    const { rowCount } =
      questionnaire === undefined
        ? await this.#pool.query('DELETE FROM catalog_tests WHERE study = $1', [study])
        : await this.#pool.query('DELETE FROM catalog_tests WHERE study = $1 AND questionnaire = $2', [study, questionnaire]);
    return rowCount ?? 0;
  }

  data(): Promise<TCatalogDocument> {
    return snapshot(this.#pool, async (client) => ({
      studies: await readStudies(client),
      heads: await readHeads(client),
      versions: await readVersions(client),
      tests: await readTests(client),
    }));
  }

  async load(data: TCatalogDocument): Promise<void> {
    const doc = checkCatalogDocument(data);
    await intoEmpty(this.#pool, TABLES, { what: 'studies or questionnaires', they: true }, async (client) => {
      const insert = (sql: string, rows: readonly object[]) => (rows.length > 0 ? client.query(sql, [JSON.stringify(rows)]) : undefined);
      await insert(
        `INSERT INTO catalog_studies (id, record, revision) SELECT x.record->'settings'->>'id', x.record - 'revision', (x.record->>'revision')::integer FROM jsonb_array_elements($1::jsonb) AS x(record)`,
        doc.studies,
      );
      await insert(`INSERT INTO catalog_heads (${HEAD}) SELECT ${HEAD} FROM jsonb_to_recordset($1::jsonb) AS x(study text, questionnaire text, draft jsonb, revision integer)`, doc.heads);
      await insert(
        `INSERT INTO catalog_versions (study, questionnaire, version, record) SELECT x.r->>'study', x.r->>'questionnaire', (x.r->>'version')::integer, x.r FROM jsonb_array_elements($1::jsonb) AS x(r)`,
        doc.versions,
      );
      await insert(`INSERT INTO catalog_tests (id, study, questionnaire, record) SELECT x.r->>'id', x.r->>'study', x.r->>'questionnaire', x.r FROM jsonb_array_elements($1::jsonb) AS x(r)`, doc.tests);
    });
  }
}
