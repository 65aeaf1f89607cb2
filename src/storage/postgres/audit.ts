/**
 * Audit records in two tables (migration 004_audit.sql): `audit_cases` (one row per case, upserted
 * by (audit, case_id), its field cells as jsonb) and `audit_events`. An update runs in one
 * transaction under a transaction-level advisory lock of the audit, so changes of one audit (on
 * any instance) run one after another, `plan` sees every committed change, and a refused or failed
 * change leaves nothing behind. COMMIT returns once the change is durable.
 */
import type pg from 'pg';
import { ZAuditData, type AuditData } from '../../audit/records.ts';
import type { AuditChange, AuditPort } from '../ports.ts';
import { checkAuditChange } from '../shared.ts';
import { transaction } from './transaction.ts';

/** The advisory lock class of audit updates (any fixed int; the second key is the audit id's hash). */
const LOCK_CLASS = 4_004;

async function readAudit(db: pg.Pool | pg.PoolClient, audit: string): Promise<AuditData> {
  const cases = await db.query<{ case_id: string; municipality: string; cells: Record<string, string | null> }>(
    'SELECT case_id, municipality, cells FROM audit_cases WHERE audit = $1 ORDER BY position',
    [audit],
  );
  const events = await db.query<{ case_id: string; event: string; date: string }>('SELECT case_id, event, date FROM audit_events WHERE audit = $1 ORDER BY position', [audit]);
  // Validated as the file adapter's document is: a row changed by hand that no longer fits is refused with its reason.
  return ZAuditData.parse({
    cases: cases.rows.map((r) => ({ caseId: r.case_id, municipality: r.municipality, values: r.cells })),
    events: events.rows.map((r) => ({ caseId: r.case_id, event: r.event, date: r.date })),
  });
}

export class PostgresAudits implements AuditPort {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  read(audit: string): Promise<AuditData> {
    return readAudit(this.#pool, audit);
  }

  update(audit: string, plan: (current: AuditData) => AuditChange): Promise<{ created: number; updated: number; events: number }> {
    return transaction(this.#pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, audit]);
      const change = checkAuditChange(plan(await readAudit(client, audit)));
      let created = 0;
      let updated = 0;
      // Positions are numbered here (no sequence in the schema), under the audit's lock.
      const next = async (table: 'audit_cases' | 'audit_events') =>
        (await client.query<{ next: number }>(`SELECT coalesce(max(position), 0)::integer + 1 AS next FROM ${table} WHERE audit = $1`, [audit])).rows[0]!.next;
      let position = await next('audit_cases');
      for (const c of change.cases) {
        const { rows } = await client.query<{ inserted: boolean }>(
          `INSERT INTO audit_cases (audit, case_id, position, municipality, cells) VALUES ($1, $2, $3, $4, $5::jsonb)
           ON CONFLICT (audit, case_id) DO UPDATE SET municipality = excluded.municipality, cells = excluded.cells
           RETURNING (xmax = 0) AS inserted`,
          [audit, c.caseId, position, c.municipality, JSON.stringify(c.values)],
        );
        if (rows[0]!.inserted) {
          created += 1;
          position += 1;
        } else updated += 1;
      }
      if (change.eventsOf.length > 0) await client.query('DELETE FROM audit_events WHERE audit = $1 AND case_id = ANY($2::text[])', [audit, change.eventsOf]);
      if (change.events.length > 0) {
        const first = await next('audit_events');
        await client.query(
          `INSERT INTO audit_events (audit, case_id, position, event, date)
           SELECT $1, e.case_id, $2 + e.k::integer - 1, e.event, e.date FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS e(case_id, event, date, k)`,
          [audit, first, change.events.map((e) => e.caseId), change.events.map((e) => e.event), change.events.map((e) => e.date)],
        );
      }
      return { created, updated, events: change.events.length };
    });
  }
}
