-- The catalog (src/storage/postgres/catalog.ts): studies made in praksis, the head (draft and
-- revision) of each questionnaire, published versions (never changed or deleted), test answers.
-- Every change is a compare-and-set on a revision column. Test answers are anonymous responses and
-- keep the responses' rules (001_initial.sql): a random id given by the program, no serial,
-- sequence, default, timestamp or foreign key; the record holds a day at most.

CREATE TABLE catalog_studies (
  id text PRIMARY KEY,
  -- The stored study (ZStoredStudy) without its revision.
  record jsonb NOT NULL,
  revision integer NOT NULL CHECK (revision > 0)
);

CREATE TABLE catalog_heads (
  study text NOT NULL,
  questionnaire text NOT NULL,
  -- The draft (ZQuestionnaire); NULL when there is none.
  draft jsonb,
  revision integer NOT NULL CHECK (revision > 0),
  PRIMARY KEY (study, questionnaire)
);

CREATE TABLE catalog_versions (
  study text NOT NULL,
  questionnaire text NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  -- The published version (ZPublishedVersion) with its frozen definition.
  record jsonb NOT NULL,
  PRIMARY KEY (study, questionnaire, version)
);

CREATE TABLE catalog_tests (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{16,64}$'),
  study text NOT NULL,
  questionnaire text NOT NULL,
  -- The test answer (ZTestResponse).
  record jsonb NOT NULL
);
CREATE INDEX catalog_tests_by_questionnaire ON catalog_tests (study, questionnaire);
