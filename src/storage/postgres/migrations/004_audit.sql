-- Case-file audit records (src/storage/postgres/audit.ts): cases per audit, upserted by case id,
-- and their dated events. No names and no CPR numbers: the case id is the auditor's pseudonym.
-- No sequence, default, timestamp or foreign key (the database's anonymity check holds for every
-- table): the adapter numbers the rows itself, under the audit's lock, and keeps events to cases.
CREATE TABLE audit_cases (
  audit text NOT NULL,
  case_id text NOT NULL,
  -- The order the cases were first stored in (kept when a case is updated).
  position integer NOT NULL,
  municipality text NOT NULL,
  -- One cell per field of the audit definition: a date (YYYY-MM-DD), 'ukendt', 'ja', 'nej' or null.
  cells jsonb NOT NULL,
  PRIMARY KEY (audit, case_id)
);

CREATE TABLE audit_events (
  audit text NOT NULL,
  case_id text NOT NULL,
  position integer NOT NULL,
  event text NOT NULL,
  -- YYYY-MM-DD or 'ukendt'.
  date text NOT NULL,
  PRIMARY KEY (audit, position)
);
CREATE INDEX audit_events_case ON audit_events (audit, case_id);
