-- Search within permitted cases (SECURITY.md, "Search"). A blind index: for each case, the
-- keyed tags (HMAC under the key ring's index key, first 8 bytes) of the words of its title,
-- narrative, notes and messages. The database holds no word, only which cases share a tag.
-- One row a case with the tags in an array under a GIN index: the posting lists compress to
-- a few bytes a word, where a row a word would double the database.
CREATE TABLE case_search (
    case_id uuid PRIMARY KEY REFERENCES cases (id),
    office text NOT NULL,
    opened_at timestamptz NOT NULL,
    tags bigint[] NOT NULL
);
CREATE INDEX case_search_tags ON case_search USING gin (tags);

-- The index follows its case to another office (conflict routing), so that a search at the
-- new office finds it and one at the old office does not.
CREATE FUNCTION case_search_follow_office() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE case_search SET office = NEW.office WHERE case_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER case_search_follow_office AFTER UPDATE OF office ON cases
    FOR EACH ROW WHEN (OLD.office IS DISTINCT FROM NEW.office) EXECUTE FUNCTION case_search_follow_office();

-- Read by the members of the case's office (the search then reads the cases themselves under
-- their own row security: only a case the reader may see is ever returned or counted);
-- written with the case.
ALTER TABLE case_search ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_search FORCE ROW LEVEL SECURITY;
CREATE POLICY case_search_read ON case_search FOR SELECT USING (office = ANY (oversight_offices()) OR oversight_system() <> '');
CREATE POLICY case_search_add ON case_search FOR INSERT WITH CHECK (oversight_case_writable(case_id));
CREATE POLICY case_search_change ON case_search FOR UPDATE USING (oversight_case_writable(case_id)) WITH CHECK (true);
CREATE POLICY case_search_redact ON case_search FOR DELETE USING (oversight_case_level(case_id) >= 2);

GRANT SELECT, INSERT, DELETE ON case_search TO oversight_service;
GRANT UPDATE (office, tags) ON case_search TO oversight_service;
