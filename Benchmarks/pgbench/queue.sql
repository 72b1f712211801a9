-- GET /v1/offices/OIG/queue?limit=50 as the OIG lead: the statement CaseStore.queue runs.
-- scripts/bench makes the load driver's mix from it by replacing the FILTER line: the first
-- page unfiltered, with priority=normal, unassigned=true and overdue=true, and later pages
-- (the row comparison a cursor adds).
SELECT id, reference, kind, workflow_version_id, office, state, category, priority, title, narrative, occurred_on,
    location, region, country_office, filed_by, assignee, routing_rule, conflict, sealed_from, restricted_to_head,
    snapshot, due_at, opened_at, closed_at, outcome, version, event_seq, event_hash
 FROM cases c
WHERE c.office = 'OIG' AND c.closed_at IS NULL
  AND NOT (c.sealed_from && '{OIG}'::text[])
  AND c.filed_by IS DISTINCT FROM 'oig-lead'
  AND NOT EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = c.id AND p.person_id = 'oig-lead')
  AND (NOT c.restricted_to_head OR c.assignee = 'oig-lead')
  -- FILTER
ORDER BY c.priority_rank, c.due_at, c.opened_at, c.id LIMIT 51;
