-- praksis schema 1: responses, fieldwork (invitations, drafts, windows) and settings.
--
-- Anonymity (README "How anonymity works", "Running on PostgreSQL"): a response row has a random id
-- given by the program, no serial, sequence, now() default or time finer than a day, and nothing it
-- shares with an invitation (no foreign key, no token, no common value beyond the municipality).

CREATE TABLE responses (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{16,64}$'),
  study text NOT NULL,
  questionnaire text NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  municipality text NOT NULL CHECK (municipality ~ '^[0-9]{3}$'),
  day date NOT NULL,
  answers jsonb NOT NULL,
  -- SHA-256 of the submission id (idempotent retries); NULL for imported rows.
  submission_hash text UNIQUE
);
CREATE INDEX responses_by_questionnaire ON responses (study, questionnaire);

CREATE TABLE invitations (
  token_hash text PRIMARY KEY,
  study text NOT NULL,
  questionnaire text NOT NULL,
  municipality text NOT NULL,
  uses integer NOT NULL CHECK (uses > 0),
  used integer NOT NULL DEFAULT 0 CHECK (used >= 0),
  -- day (YYYY-MM-DD) -> completions that day
  completions jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_day date NOT NULL,
  reminders integer NOT NULL DEFAULT 0 CHECK (reminders >= 0),
  revoked boolean NOT NULL DEFAULT false
);
-- One live link per municipality and questionnaire.
CREATE UNIQUE INDEX invitations_live_place ON invitations (study, questionnaire, municipality) WHERE NOT revoked;

CREATE TABLE drafts (
  token_hash text NOT NULL,
  resume_hash text NOT NULL,
  state text NOT NULL,
  page integer NOT NULL CHECK (page >= 0),
  updated_day date NOT NULL,
  PRIMARY KEY (token_hash, resume_hash)
);

CREATE TABLE windows (
  study text NOT NULL,
  questionnaire text NOT NULL,
  state jsonb NOT NULL,
  PRIMARY KEY (study, questionnaire)
);

-- One row: the settings document (validated by ZSettings in the program).
CREATE TABLE settings (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  document jsonb NOT NULL
);
INSERT INTO settings (singleton, document) VALUES (true, '{}'::jsonb);
