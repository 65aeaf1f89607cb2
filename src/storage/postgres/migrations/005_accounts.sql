-- praksis schema 5: accounts (users, personal API keys, sessions, failed sign-in counters) and the
-- activity log of evaluator actions. Nothing here refers to a response, an invitation or a contact.
-- Like the rest of the schema: no sequence and no foreign key (a user's keys and sessions are
-- deleted with the user in one transaction, src/storage/postgres/users.ts).

CREATE TABLE users (
  id text PRIMARY KEY,
  login text NOT NULL UNIQUE,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'evaluator', 'auditor', 'viewer')),
  studies text[] NOT NULL DEFAULT '{}',
  password_hash text NOT NULL,
  created_day date NOT NULL
);

CREATE TABLE api_keys (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  name text NOT NULL,
  hash text NOT NULL UNIQUE,
  created_day date NOT NULL,
  last_used_day date
);
CREATE INDEX api_keys_by_user ON api_keys (user_id);

CREATE TABLE sessions (
  hash text PRIMARY KEY,
  user_id text NOT NULL,
  expires bigint NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- One row per attempt under a hashed key (never an address in clear); pruned as they age.
CREATE TABLE login_attempts (
  key text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX login_attempts_by_key ON login_attempts (key, at);

-- Append-only: praksis only inserts and selects (the trigger refuses changes and deletions).
-- seq is max + 1, given under an advisory lock by the program (no sequence).
CREATE TABLE activity (
  seq bigint PRIMARY KEY,
  at text NOT NULL,
  who text NOT NULL,
  action text NOT NULL,
  study text,
  detail text NOT NULL
);
CREATE FUNCTION activity_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the activity log is append-only';
END;
$$;
CREATE TRIGGER activity_append_only BEFORE UPDATE OR DELETE ON activity FOR EACH ROW EXECUTE FUNCTION activity_append_only();
