-- GET /v1/offices/OIG/queue?limit=50 as the OIG lead: the transaction CaseStore.queue runs.
-- scripts/bench makes the load driver's mix from it by replacing the FILTER line: the first
-- page unfiltered, with priority=normal, unassigned=true and overdue=true, and later pages
-- (the row comparison a cursor adds).
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.actor', 'oig-lead', true), set_config('oversight.memberships', '{OIG:' || 'lead}', true),
       set_config('oversight.offices', '{OIG}', true), set_config('oversight.sharing_offices', '{ECO,EVM,OMB,OSS}', true),
       set_config('oversight.system', '', true), set_config('oversight.follows_up', 'false', true);
SELECT id, reference, kind, workflow_version_id, office, state, category, priority, priority_rank, title, narrative, occurred_on,
    location, region, country_office, filed_by, assignee, routing_rule, conflict, sealed_from, restricted_to_head, snapshot,
    due_at, next_escalation_at, opened_at, closed_at, outcome, version, event_seq, event_hash, updated_at, reporter_version,
    subject_ids, conflicted_ids, witness_ids, reporter_ids, owner_office, owner_id, source_case_id
 FROM cases c WHERE c.office = 'OIG' AND c.closed_at IS NULL
  AND NOT (c.sealed_from && '{OIG}'::text[])
  AND c.filed_by IS DISTINCT FROM 'oig-lead'
  AND NOT ('oig-lead' = ANY (c.subject_ids) OR 'oig-lead' = ANY (c.conflicted_ids)
           OR 'oig-lead' = ANY (c.witness_ids) OR 'oig-lead' = ANY (c.reporter_ids))
  AND (NOT c.restricted_to_head OR c.assignee = 'oig-lead')
  -- FILTER
ORDER BY c.priority_rank, c.due_at, c.opened_at, c.id LIMIT 51;
COMMIT;
