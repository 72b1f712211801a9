-- Encryption at rest (SECURITY.md, "Key management"). What tells a story or names the reporter
-- is stored sealed by the service (AES-GCM under a key derived from the case's data key, bound
-- to its table, column and row): titles, narratives, the filer, messages and notes, answers,
-- the subject's summary, attachment names and bytes. The data key in case_keys is wrapped by a
-- key-encryption key the database never sees; `key_id` names it. Destroying the data key
-- (a redacting close, a purge) leaves every copy of the content, backups included, unreadable.
--
-- Rows written before this migration stay readable as they are: their data key is the bare
-- 32 bytes (key_id NULL) and their content is plain until `oversight keys rotate` wraps the
-- key and seals the content, case by case, in one transaction each.

ALTER TABLE case_keys DROP CONSTRAINT case_keys_key_check;
-- Every case has a key row from here on (cases older than per-case keys get a bare one), so a
-- read that finds none was refused by row security: never taken as a case stored in plain.
INSERT INTO case_keys (case_id, key)
SELECT c.id, decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex') FROM cases c
WHERE NOT EXISTS (SELECT 1 FROM case_keys k WHERE k.case_id = c.id);
ALTER TABLE case_keys ADD COLUMN key_id text;
ALTER TABLE case_keys ADD CONSTRAINT case_keys_wrapped
    CHECK (key IS NULL OR (key_id IS NULL AND length(key) = 32) OR (key_id IS NOT NULL AND length(key) > 32));

ALTER TABLE cases ALTER COLUMN title TYPE bytea USING convert_to(title, 'UTF8');
ALTER TABLE cases ALTER COLUMN narrative TYPE bytea USING convert_to(narrative, 'UTF8');
-- The filer: sealed here for those who may learn who reported; filed_by keeps a keyed tag of
-- the id (the key ring's index key), which is what row security and the filing limit compare.
ALTER TABLE cases ADD COLUMN filer bytea;
UPDATE cases SET filer = convert_to(filed_by, 'UTF8') WHERE filed_by IS NOT NULL;

ALTER TABLE comments DROP CONSTRAINT comments_body_check;
ALTER TABLE comments ALTER COLUMN body TYPE bytea USING convert_to(body, 'UTF8');
ALTER TABLE comments ADD CONSTRAINT comments_body_present CHECK (length(body) > 0);

ALTER TABLE case_answers DROP CONSTRAINT case_answers_answers_check;
ALTER TABLE case_answers ALTER COLUMN answers TYPE bytea USING convert_to(answers::text, 'UTF8');

ALTER TABLE subject_views ALTER COLUMN allegations_summary TYPE bytea USING convert_to(allegations_summary, 'UTF8');

-- The service checks a file's name before it stores it sealed.
ALTER TABLE attachments DROP CONSTRAINT attachments_name_check;
ALTER TABLE attachments ALTER COLUMN name TYPE bytea USING convert_to(name, 'UTF8');
ALTER TABLE attachments ADD CONSTRAINT attachments_name_present CHECK (length(name) > 0);

-- The tag of the acting person's id, set beside oversight.actor.
CREATE FUNCTION oversight_actor_tag() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('oversight.actor_tag', true), '') $$;

-- AccessPolicy as SQL: the filer is recognised by the tag (or, on a row `keys rotate` has not
-- sealed yet, by the id it still holds).
CREATE OR REPLACE FUNCTION oversight_case_view(
    office text, filed_by text, subject_ids text[], conflicted_ids text[], witness_ids text[], reporter_ids text[],
    sealed_from text[], restricted_to_head boolean, assignee text, owner_office text, owner_id text
) RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN oversight_system() <> '' THEN 3
        WHEN oversight_actor() = '' THEN 0
        WHEN oversight_actor() = ANY (subject_ids) OR oversight_actor() = ANY (conflicted_ids) THEN 0
        WHEN (oversight_actor_tag() <> '' AND oversight_actor_tag() = filed_by) OR oversight_actor() = filed_by
             OR oversight_actor() = ANY (reporter_ids) THEN 1
        WHEN oversight_actor() = ANY (witness_ids) THEN 0
        WHEN sealed_from && oversight_offices() THEN 0
        WHEN (office || ':head') = ANY (oversight_memberships()) THEN 3
        WHEN owner_office IS NOT NULL
             AND NOT ((office || ':lead') = ANY (oversight_memberships()) OR (office || ':officer') = ANY (oversight_memberships()))
             AND (owner_id = oversight_actor() OR (owner_office || ':head') = ANY (oversight_memberships())
                  OR (owner_office || ':lead') = ANY (oversight_memberships()) OR oversight_follows_up()) THEN 1
        WHEN restricted_to_head AND assignee IS DISTINCT FROM oversight_actor() THEN 0
        WHEN (office || ':lead') = ANY (oversight_memberships()) THEN 3
        WHEN (office || ':officer') = ANY (oversight_memberships())
             AND (assignee = oversight_actor() OR office = ANY (oversight_sharing_offices())) THEN 2
        ELSE 0
    END
$$;

-- A filing's idempotency record names its caller by the same tag: a record that linked a
-- person's id to the case they filed would name the reporter to anyone who reads the table.
DROP POLICY idempotency_read ON idempotency_keys;
DROP POLICY idempotency_claim ON idempotency_keys;
DROP POLICY idempotency_answer ON idempotency_keys;
CREATE POLICY idempotency_read ON idempotency_keys FOR SELECT USING (
    (oversight_actor_tag() <> '' AND caller = oversight_actor_tag()) OR oversight_system() = 'redaction');
CREATE POLICY idempotency_claim ON idempotency_keys FOR INSERT WITH CHECK (oversight_actor_tag() <> '' AND caller = oversight_actor_tag());
CREATE POLICY idempotency_answer ON idempotency_keys FOR UPDATE USING (oversight_actor_tag() <> '' AND caller = oversight_actor_tag())
    WITH CHECK (true);
-- Records older than this migration name their caller's id: replaced by nothing (a retry of a
-- filing made before the upgrade files again).
DELETE FROM idempotency_keys;

-- A subject reads the summary written for them (sealed under the case's key) without seeing
-- the case: the key of a case whose view is open to them is theirs to read.
CREATE POLICY case_keys_subject_read ON case_keys FOR SELECT USING (
    EXISTS (SELECT 1 FROM subject_views s WHERE s.case_id = case_keys.case_id AND s.open AND s.subject_id = oversight_actor()));
-- `oversight keys rotate` re-wraps data keys (and seals a legacy case's content).
-- (Permissive policies' checks are OR'ed: each check names its own job, so none lets
-- another writer through.)
CREATE POLICY case_keys_rewrap ON case_keys FOR UPDATE USING (oversight_system() = 'key-rotation')
    WITH CHECK (oversight_system() = 'key-rotation' AND key IS NOT NULL AND key_id IS NOT NULL);

-- Sealing a legacy case's messages, answers and files in place: that job alone changes them.
CREATE POLICY comments_seal ON comments FOR UPDATE USING (oversight_system() = 'key-rotation')
    WITH CHECK (oversight_system() = 'key-rotation');
CREATE POLICY case_answers_seal ON case_answers FOR UPDATE USING (oversight_system() = 'key-rotation')
    WITH CHECK (oversight_system() = 'key-rotation');
CREATE POLICY attachments_seal ON attachments FOR UPDATE USING (oversight_system() = 'key-rotation')
    WITH CHECK (oversight_system() = 'key-rotation');
CREATE POLICY attachment_chunks_seal ON attachment_chunks FOR UPDATE USING (oversight_system() = 'key-rotation')
    WITH CHECK (oversight_system() = 'key-rotation');

GRANT UPDATE (key_id) ON case_keys TO oversight_service;
GRANT UPDATE (filer) ON cases TO oversight_service;
GRANT UPDATE (body) ON comments TO oversight_service;
GRANT UPDATE (answers) ON case_answers TO oversight_service;
GRANT UPDATE (name) ON attachments TO oversight_service;
GRANT UPDATE (data) ON attachment_chunks TO oversight_service;
