-- Confidentiality that holds against insiders (SECURITY.md): row-level security mirroring the
-- domain's access policy on every table that holds case data, least-privilege grants for the
-- application login, per-case keys whose destruction makes a redacted case unlinkable, and
-- what the history checkpoints need.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oversight_service') THEN
        RAISE EXCEPTION 'the application login oversight_service does not exist; create it first (SECURITY.md, "Database roles")';
    END IF;
END
$$;

-- Who is recused from the case, on the case row itself, so that the row policy needs no
-- second table (a policy on cases that read case_parties, whose own policy reads cases, would
-- recurse). case_parties keeps who added whom and when, for the parties list.
ALTER TABLE cases
    -- Subjects and declared conflicts: blind to the case whatever other role they hold.
    ADD COLUMN subject_ids text[] NOT NULL DEFAULT '{}',
    ADD COLUMN conflicted_ids text[] NOT NULL DEFAULT '{}',
    ADD COLUMN witness_ids text[] NOT NULL DEFAULT '{}',
    -- Reporters other than the filer (named co-reporters): they get the reporter view.
    ADD COLUMN reporter_ids text[] NOT NULL DEFAULT '{}',
    -- Counts changes the reporter can see (status, reporter messages, closure): the reporter
    -- view's version and ETag, so that a reporter cannot watch internal activity.
    ADD COLUMN reporter_version integer NOT NULL DEFAULT 1;

UPDATE cases c SET
    subject_ids = coalesce((SELECT array_agg(DISTINCT p.person_id) FROM case_parties p
                            WHERE p.case_id = c.id AND p.role = 'subject'), '{}'),
    conflicted_ids = coalesce((SELECT array_agg(DISTINCT p.person_id) FROM case_parties p
                               WHERE p.case_id = c.id AND p.role = 'conflicted'), '{}'),
    witness_ids = coalesce((SELECT array_agg(DISTINCT p.person_id) FROM case_parties p
                            WHERE p.case_id = c.id AND p.role = 'witness'), '{}'),
    reporter_ids = coalesce((SELECT array_agg(DISTINCT p.person_id) FROM case_parties p
                             WHERE p.case_id = c.id AND p.role = 'reporter'), '{}')
WHERE EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = c.id);

-- A link names the other case's reference itself: reading a link must not need a read of a
-- case the reader may not see (the investigation a retaliation review opened at OIG).
ALTER TABLE case_links ADD COLUMN linked_reference text;
UPDATE case_links l SET linked_reference = c.reference FROM cases c WHERE c.id = l.linked_case_id;
ALTER TABLE case_links ALTER COLUMN linked_reference SET NOT NULL;

-- One random key per case. Keyed digests of the case's sensitive facts in its history are made
-- with it; destroying it (at an ombuds close) leaves those digests linking nothing to anyone.
CREATE TABLE case_keys (
    case_id uuid PRIMARY KEY REFERENCES cases (id),
    key bytea CHECK (key IS NULL OR length(key) = 32),
    destroyed_at timestamptz,
    CHECK ((key IS NULL) = (destroyed_at IS NOT NULL))
);

-- The transaction that appended each event: a checkpoint covers every event of transactions
-- older than the oldest one still running, so an event committed late is never skipped.
ALTER TABLE case_events ADD COLUMN xid bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX case_events_xid ON case_events USING brin (xid);

-- References are random now (CaseReference): nothing to count per office and year.
DROP TABLE case_counters;

-- The actor of the current transaction, as the store sets it with set_config(..., true).
CREATE FUNCTION oversight_actor() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('oversight.actor', true), '') $$;
-- 'OFFICE:role' for every membership of the actor.
CREATE FUNCTION oversight_memberships() RETURNS text[] LANGUAGE sql STABLE
    AS $$ SELECT coalesce(nullif(current_setting('oversight.memberships', true), ''), '{}')::text[] $$;
CREATE FUNCTION oversight_offices() RETURNS text[] LANGUAGE sql STABLE
    AS $$ SELECT coalesce(nullif(current_setting('oversight.offices', true), ''), '{}')::text[] $$;
-- Offices whose officers see every case of the office (offices.yaml, sharing: office).
CREATE FUNCTION oversight_sharing_offices() RETURNS text[] LANGUAGE sql STABLE
    AS $$ SELECT coalesce(nullif(current_setting('oversight.sharing_offices', true), ''), '{}')::text[] $$;
-- A background job of the service (the deadline sweeper, the audit verifier, checkpoints).
CREATE FUNCTION oversight_system() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('oversight.system', true), '') $$;

-- The domain's AccessPolicy, as SQL: 0 none, 1 reporter, 2 officer, 3 full. Keep the two in
-- step (RowSecurityTests runs the confidentiality scenarios with the store's filters off).
CREATE FUNCTION oversight_case_view(
    office text, filed_by text, subject_ids text[], conflicted_ids text[], witness_ids text[], reporter_ids text[],
    sealed_from text[], restricted_to_head boolean, assignee text
) RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN oversight_system() <> '' THEN 3
        WHEN oversight_actor() = '' THEN 0
        WHEN oversight_actor() = ANY (subject_ids) OR oversight_actor() = ANY (conflicted_ids) THEN 0
        WHEN oversight_actor() = filed_by OR oversight_actor() = ANY (reporter_ids) THEN 1
        WHEN oversight_actor() = ANY (witness_ids) THEN 0
        WHEN sealed_from && oversight_offices() THEN 0
        WHEN (office || ':head') = ANY (oversight_memberships()) THEN 3
        WHEN restricted_to_head AND assignee IS DISTINCT FROM oversight_actor() THEN 0
        WHEN (office || ':lead') = ANY (oversight_memberships()) THEN 3
        WHEN (office || ':officer') = ANY (oversight_memberships())
             AND (assignee = oversight_actor() OR office = ANY (oversight_sharing_offices())) THEN 2
        ELSE 0
    END
$$;

-- The reader's view of the case a child row belongs to (0 when the case is hidden). The read
-- of cases is itself under the cases policy.
CREATE FUNCTION oversight_case_level(target uuid) RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT coalesce(max(oversight_case_view(c.office, c.filed_by, c.subject_ids, c.conflicted_ids, c.witness_ids, c.reporter_ids,
                                            c.sealed_from, c.restricted_to_head, c.assignee)), 0)
    FROM cases c WHERE c.id = target
$$;

-- Whether the current transaction may write rows of the case: it can see the case, or it
-- wrote the case row itself (a new filing, a linked case opened at another office): the
-- cases policy lets a transaction read back the rows it wrote.
CREATE FUNCTION oversight_case_writable(target uuid) RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT EXISTS (SELECT 1 FROM cases c WHERE c.id = target) $$;

ALTER TABLE cases ENABLE ROW LEVEL SECURITY;
ALTER TABLE cases FORCE ROW LEVEL SECURITY;
CREATE POLICY cases_read ON cases FOR SELECT USING (
    oversight_case_view(office, filed_by, subject_ids, conflicted_ids, witness_ids, reporter_ids, sealed_from, restricted_to_head, assignee) > 0
    OR xmin = pg_current_xact_id_if_assigned()::xid);
CREATE POLICY cases_file ON cases FOR INSERT WITH CHECK (oversight_actor() <> '' OR oversight_system() <> '');
CREATE POLICY cases_change ON cases FOR UPDATE USING (
    oversight_case_view(office, filed_by, subject_ids, conflicted_ids, witness_ids, reporter_ids, sealed_from, restricted_to_head, assignee) > 0)
    WITH CHECK (true);

ALTER TABLE case_parties ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_parties FORCE ROW LEVEL SECURITY;
CREATE POLICY case_parties_read ON case_parties FOR SELECT USING (oversight_case_level(case_id) >= 2);
CREATE POLICY case_parties_add ON case_parties FOR INSERT WITH CHECK (oversight_case_writable(case_id));
-- Only a redacting close removes parties.
CREATE POLICY case_parties_redact ON case_parties FOR DELETE USING (oversight_case_level(case_id) >= 2);

ALTER TABLE case_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_events FORCE ROW LEVEL SECURITY;
CREATE POLICY case_events_read ON case_events FOR SELECT USING (oversight_case_level(case_id) >= 2);
CREATE POLICY case_events_append ON case_events FOR INSERT WITH CHECK (oversight_case_writable(case_id));

ALTER TABLE comments ENABLE ROW LEVEL SECURITY;
ALTER TABLE comments FORCE ROW LEVEL SECURITY;
CREATE POLICY comments_read ON comments FOR SELECT USING (
    oversight_case_level(case_id) >= CASE WHEN visibility = 'reporter' THEN 1 ELSE 2 END);
CREATE POLICY comments_add ON comments FOR INSERT WITH CHECK (oversight_case_writable(case_id));
CREATE POLICY comments_redact ON comments FOR DELETE USING (oversight_case_level(case_id) >= 2);

ALTER TABLE case_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_links FORCE ROW LEVEL SECURITY;
CREATE POLICY case_links_read ON case_links FOR SELECT USING (oversight_case_level(case_id) >= 2);
CREATE POLICY case_links_add ON case_links FOR INSERT WITH CHECK (oversight_case_writable(case_id));

ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY outbox_read ON outbox FOR SELECT USING (oversight_system() <> '');
CREATE POLICY outbox_add ON outbox FOR INSERT WITH CHECK (case_id IS NULL OR oversight_case_writable(case_id));

ALTER TABLE escalations ENABLE ROW LEVEL SECURITY;
ALTER TABLE escalations FORCE ROW LEVEL SECURITY;
CREATE POLICY escalations_read ON escalations FOR SELECT USING (oversight_case_level(case_id) >= 2);
CREATE POLICY escalations_add ON escalations FOR INSERT WITH CHECK (oversight_system() <> '');

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY idempotency_read ON idempotency_keys FOR SELECT USING (
    caller = oversight_actor() OR (case_id IS NOT NULL AND oversight_case_level(case_id) >= 2));
CREATE POLICY idempotency_claim ON idempotency_keys FOR INSERT WITH CHECK (caller = oversight_actor());
CREATE POLICY idempotency_answer ON idempotency_keys FOR UPDATE USING (caller = oversight_actor()) WITH CHECK (true);
CREATE POLICY idempotency_redact ON idempotency_keys FOR DELETE USING (case_id IS NOT NULL AND oversight_case_level(case_id) >= 2);

ALTER TABLE case_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY case_keys_read ON case_keys FOR SELECT USING (oversight_case_writable(case_id));
CREATE POLICY case_keys_add ON case_keys FOR INSERT WITH CHECK (oversight_case_writable(case_id));
CREATE POLICY case_keys_destroy ON case_keys FOR UPDATE USING (oversight_case_level(case_id) >= 2) WITH CHECK (key IS NULL);

-- The least the store needs. No TRUNCATE anywhere; UPDATE only on the columns the code
-- changes (a case never moves office, loses its seal or its reference by an UPDATE); DELETE
-- only where a redacting close removes rows, and row security limits that to cases the actor
-- works.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM oversight_service;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM oversight_service;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO oversight_service;
GRANT SELECT ON schema_migrations, offices, staff_directory TO oversight_service;
GRANT SELECT, INSERT ON workflow_versions, case_events, case_links, escalations, outbox TO oversight_service;
GRANT SELECT, INSERT ON cases TO oversight_service;
GRANT UPDATE (state, snapshot, outcome, closed_at, due_at, next_escalation_at, version, reporter_version, event_seq,
              event_hash, updated_at, title, narrative, occurred_on, location, country_office, filed_by, assignee,
              subject_ids, conflicted_ids, witness_ids, reporter_ids) ON cases TO oversight_service;
GRANT SELECT, INSERT, DELETE ON case_parties, comments TO oversight_service;
GRANT SELECT, INSERT, DELETE ON idempotency_keys TO oversight_service;
GRANT UPDATE (response_status, response_body, case_id) ON idempotency_keys TO oversight_service;
GRANT SELECT, INSERT ON case_keys TO oversight_service;
GRANT UPDATE (key, destroyed_at) ON case_keys TO oversight_service;
GRANT USAGE ON SEQUENCE workflow_versions_id_seq, outbox_id_seq TO oversight_service;
