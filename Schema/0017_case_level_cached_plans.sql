-- The two lookups behind row security on a case's rows (its history, comments, parties,
-- notes): a SQL function that reads a table is not inlined, and PostgreSQL plans its query
-- again on every statement that calls it, here with the cases policy expanded into it: about
-- 0.7 ms for reading one event. The same lookups in PL/pgSQL keep their plan for the session
-- (replanned when the role or the policies change): same rows, same answers.
CREATE OR REPLACE FUNCTION oversight_case_level(target uuid) RETURNS integer LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(max(oversight_case_view(c.office, c.filed_by, c.subject_ids, c.conflicted_ids, c.witness_ids, c.reporter_ids,
                                                    c.sealed_from, c.restricted_to_head, c.assignee, c.owner_office, c.owner_id)), 0)
            FROM cases c WHERE c.id = target);
END $$;

CREATE OR REPLACE FUNCTION oversight_case_writable(target uuid) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM cases c WHERE c.id = target);
END $$;
