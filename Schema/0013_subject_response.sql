-- The subject's right to respond (DOMAIN.md, investigation: due process). Once notified, and
-- while the workflow's comment period is open (`subject_responds_in`), the subject of a case
-- reads its subject view (the allegations summary written for them) and may respond. Row
-- security gives them level -1: the case row, and nothing that hangs off it (history,
-- parties, notes, the reporter's thread all need 1 or more).
ALTER TABLE cases ADD COLUMN subject_view_open boolean NOT NULL DEFAULT false;

CREATE FUNCTION oversight_case_view(
    office text, filed_by text, subject_ids text[], conflicted_ids text[], witness_ids text[], reporter_ids text[],
    sealed_from text[], restricted_to_head boolean, assignee text, owner_office text, owner_id text, subject_view_open boolean
) RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN oversight_system() <> '' THEN 3
        WHEN oversight_actor() = '' THEN 0
        WHEN oversight_actor() = ANY (conflicted_ids) THEN 0
        WHEN oversight_actor() = ANY (subject_ids) THEN
            CASE WHEN subject_view_open AND oversight_actor() IS DISTINCT FROM filed_by AND NOT oversight_actor() = ANY (witness_ids)
                      AND NOT oversight_actor() = ANY (reporter_ids) THEN -1 ELSE 0 END
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
                                            c.sealed_from, c.restricted_to_head, c.assignee, c.owner_office, c.owner_id,
                                            c.subject_view_open)), 0)
    FROM cases c WHERE c.id = target
$$;

DROP POLICY cases_read ON cases;
DROP POLICY cases_change ON cases;
CREATE POLICY cases_read ON cases FOR SELECT USING (
    oversight_case_view(office, filed_by, subject_ids, conflicted_ids, witness_ids, reporter_ids, sealed_from, restricted_to_head, assignee,
                        owner_office, owner_id, subject_view_open) <> 0
    OR xmin = pg_current_xact_id_if_assigned()::xid);
CREATE POLICY cases_change ON cases FOR UPDATE USING (
    oversight_case_view(office, filed_by, subject_ids, conflicted_ids, witness_ids, reporter_ids, sealed_from, restricted_to_head, assignee,
                        owner_office, owner_id, subject_view_open) <> 0)
    WITH CHECK (true);
DROP FUNCTION oversight_case_view(text, text, text[], text[], text[], text[], text[], boolean, text, text, text);

GRANT UPDATE (subject_view_open) ON cases TO oversight_service;
