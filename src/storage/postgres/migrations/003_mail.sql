-- praksis schema 3: stable links (a generation per link, the day it was first opened) and e-mail fieldwork:
-- contacts, the outbox, the invitation and reminder texts and the reminder schedules.
--
-- Personal data (README "E-mail invitations"): e-mail addresses live in contacts and messages only,
-- never in responses, and are deleted per study in one statement each (deleteStudy). Nothing here refers
-- to a response.

ALTER TABLE invitations ADD COLUMN generation integer NOT NULL DEFAULT 0 CHECK (generation >= 0);
ALTER TABLE invitations ADD COLUMN opened_day date;

CREATE TABLE contacts (
  study text NOT NULL,
  questionnaire text NOT NULL,
  municipality text NOT NULL CHECK (municipality ~ '^[0-9]{3}$'),
  email text NOT NULL,
  name text,
  PRIMARY KEY (study, questionnaire, municipality, email)
);

CREATE TABLE messages (
  id text PRIMARY KEY,
  study text NOT NULL,
  questionnaire text NOT NULL,
  municipality text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('invitation', 'reminder')),
  recipient text NOT NULL,
  name text,
  subject text NOT NULL,
  body text NOT NULL,
  -- queued, sending (claimed by one instance until lease_until), sent, failed (permanent)
  status text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
  queued_day date NOT NULL,
  status_day date NOT NULL,
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL,
  lease_until timestamptz,
  last_error text,
  -- a reminder of a schedule step is queued once per contact (see queueing)
  dedupe text UNIQUE
);
CREATE INDEX messages_due ON messages (status, next_attempt_at);
CREATE INDEX messages_by_study ON messages (study);

CREATE TABLE mail_texts (
  study text NOT NULL,
  questionnaire text NOT NULL,
  document jsonb NOT NULL,
  PRIMARY KEY (study, questionnaire)
);
