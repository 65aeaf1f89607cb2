-- Case-file audit records (src/storage/postgres/audit.ts): cases per audit, upserted by case id,
-- and their dated events. No names and no CPR numbers: the case id is the auditor's pseudonym.
CREATE TABLE audit_cases (
  audit text NOT NULL,
  case_id text NOT NULL,
  -- The order the cases were first stored in (kept when a case is updated).
  seq bigserial NOT NULL,
  municipality text NOT NULL,
  -- One cell per field of the audit definition: a date (YYYY-MM-DD), 'ukendt', 'ja', 'nej' or null.
  cells jsonb NOT NULL,
  PRIMARY KEY (audit, case_id)
);

CREATE TABLE audit_events (
  audit text NOT NULL,
  case_id text NOT NULL,
  seq bigserial NOT NULL,
  event text NOT NULL,
  -- YYYY-MM-DD or 'ukendt'.
  date text NOT NULL,
  PRIMARY KEY (audit, seq),
  FOREIGN KEY (audit, case_id) REFERENCES audit_cases (audit, case_id)
);
CREATE INDEX audit_events_case ON audit_events (audit, case_id);
