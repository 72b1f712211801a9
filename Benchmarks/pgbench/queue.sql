-- GET /v1/offices/OIG/queue?limit=50 as the OIG lead: the transaction CaseStore.queue runs.
-- scripts/bench makes the load driver's mix from it by replacing the FILTER line: the first
-- page unfiltered, with priority=normal, unassigned=true and overdue=true, and later pages
-- (the row comparison a cursor adds). One round trip, as the service sends it (libpq pipeline
-- mode).
\startpipeline
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.actor', 'oig-lead', true), set_config('oversight.actor_tag', 't:' || md5('oig-lead'), true),
       set_config('oversight.memberships', '{OIG:' || 'lead}', true),
       set_config('oversight.offices', '{OIG}', true), set_config('oversight.sharing_offices', '{ECO,EVM,OMB,OSS}', true),
       set_config('oversight.system', '', true), set_config('oversight.follows_up', 'false', true);
SELECT cases.id, cases.reference, cases.kind, cases.workflow_version_id, cases.office, cases.state, cases.category,
    cases.priority, cases.title, cases.assignee, cases.region, cases.filed_by, cases.sealed_from, cases.restricted_to_head,
    cases.due_at, cases.opened_at, cases.subject_ids, cases.conflicted_ids, cases.witness_ids, cases.reporter_ids,
    cases.owner_office, cases.owner_id,
    (SELECT coalesce(k.key, '\x'::bytea) FROM case_keys k WHERE k.case_id = cases.id) AS case_key
FROM cases WHERE cases.office = 'OIG' AND cases.closed_at IS NULL
  AND NOT (cases.sealed_from && '{OIG}'::text[])
  AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
  AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
           OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
  AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
  AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')
  -- FILTER
ORDER BY cases.priority_rank, cases.due_at, cases.opened_at, cases.id LIMIT 51;
COMMIT;
\endpipeline
