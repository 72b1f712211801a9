-- The recommendations register (DOMAIN.md, "Recommendations"): a recommendation is a case of
-- kind recommendation at its source's office, linked to the audit, evaluation or
-- investigation that issued it, and addressed to an owner: a management office and the person
-- in it who answers for it. The owner, the owner office's lead and head, and those who follow
-- recommendations up (executives, the executive offices) read it outside the source office
-- (the domain's `follow_up` view, level 1 here: the case row, none of its history, parties or
-- internal notes).
ALTER TABLE cases
    ADD COLUMN owner_office text,
    ADD COLUMN owner_id text,
    ADD COLUMN source_case_id uuid REFERENCES cases (id),
    ADD CONSTRAINT cases_owner_whole CHECK ((owner_office IS NULL) = (owner_id IS NULL));
CREATE INDEX cases_recommendations_by_source ON cases (source_case_id) WHERE source_case_id IS NOT NULL;
-- The register's order (due date, then id), all of it and by owner office.
CREATE INDEX cases_register ON cases (due_at, id) WHERE kind = 'recommendation';
CREATE INDEX cases_register_by_owner ON cases (owner_office, due_at, id) WHERE kind = 'recommendation';

-- Whether the actor follows recommendations up, as the store computes it from offices.yaml
-- (a membership of an executive office, or the executive role).
CREATE FUNCTION oversight_follows_up() RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('oversight.follows_up', true), '') = 'true' $$;

-- AccessPolicy as SQL, now with a recommendation's readers outside its office.
CREATE FUNCTION oversight_case_view(
    office text, filed_by text, subject_ids text[], conflicted_ids text[], witness_ids text[], reporter_ids text[],
    sealed_from text[], restricted_to_head boolean, assignee text, owner_office text, owner_id text
) RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN oversight_system() <> '' THEN 3
        WHEN oversight_actor() = '' THEN 0
        WHEN oversight_actor() = ANY (subject_ids) OR oversight_actor() = ANY (conflicted_ids) THEN 0
        WHEN oversight_actor() = filed_by OR oversight_actor() = ANY (reporter_ids) THEN 1
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

CREATE OR REPLACE FUNCTION oversight_case_level(target uuid) RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT coalesce(max(oversight_case_view(c.office, c.filed_by, c.subject_ids, c.conflicted_ids, c.witness_ids, c.reporter_ids,
                                            c.sealed_from, c.restricted_to_head, c.assignee, c.owner_office, c.owner_id)), 0)
    FROM cases c WHERE c.id = target
$$;

DROP POLICY cases_read ON cases;
DROP POLICY cases_change ON cases;
CREATE POLICY cases_read ON cases FOR SELECT USING (
    oversight_case_view(office, filed_by, subject_ids, conflicted_ids, witness_ids, reporter_ids, sealed_from, restricted_to_head, assignee,
                        owner_office, owner_id) > 0
    OR xmin = pg_current_xact_id_if_assigned()::xid);
CREATE POLICY cases_change ON cases FOR UPDATE USING (
    oversight_case_view(office, filed_by, subject_ids, conflicted_ids, witness_ids, reporter_ids, sealed_from, restricted_to_head, assignee,
                        owner_office, owner_id) > 0)
    WITH CHECK (true);
DROP FUNCTION oversight_case_view(text, text, text[], text[], text[], text[], text[], boolean, text);
