-- GET /v1/search?limit=50&q=... as the OIG lead: the transaction CaseStore.search runs for a
-- lead (one round of candidates fills the page): the count of matching cases the lead may see
-- (up to 200), the newest 100 candidates from the index, then those of them the lead may see.
-- The query's words are already tagged (bench_queries, made by scripts/bench from the same
-- queries the load driver sends, with the key ring's index key).
\set n random(1, :queries)
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.actor', 'oig-lead', true), set_config('oversight.actor_tag', 't:' || md5('oig-lead'), true),
       set_config('oversight.memberships', '{OIG:' || 'lead}', true),
       set_config('oversight.offices', '{OIG}', true), set_config('oversight.sharing_offices', '{ECO,EVM,OMB,OSS}', true),
       set_config('oversight.system', '', true), set_config('oversight.follows_up', 'false', true);
SELECT tags FROM bench_queries WHERE n = :n \gset q_
SELECT count(*) AS n FROM (SELECT 1 FROM (SELECT s.case_id, s.opened_at FROM case_search s
        WHERE s.office = ANY('{OIG}'::text[]) AND s.tags @> :q_tags::int8[]) candidate
    JOIN cases ON cases.id = candidate.case_id WHERE true
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead') LIMIT 201) counted;
SELECT coalesce(array_agg(case_id), '{}') AS ids FROM (SELECT case_id, opened_at FROM (SELECT s.case_id, s.opened_at FROM case_search s
        WHERE s.office = ANY('{OIG}'::text[]) AND s.tags @> :q_tags::int8[]) candidate
    ORDER BY opened_at DESC, case_id DESC LIMIT 100) newest \gset r_
SELECT id, reference, kind, workflow_version_id, office, state, category, priority, priority_rank, title, narrative, occurred_on,
    location, region, country_office, filed_by, assignee, routing_rule, conflict, sealed_from, restricted_to_head, snapshot,
    due_at, next_escalation_at, opened_at, closed_at, outcome, version, event_seq, event_hash, updated_at, reporter_version,
    subject_ids, conflicted_ids, witness_ids, reporter_ids, owner_office, owner_id, source_case_id, filer
    , (SELECT coalesce(k.key, '\x'::bytea) FROM case_keys k WHERE k.case_id = cases.id) AS case_key
FROM cases WHERE cases.id = ANY(:r_ids::uuid[])
  AND NOT (cases.sealed_from && '{OIG}'::text[])
  AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
  AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
           OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
  AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
  AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')
ORDER BY cases.opened_at DESC, cases.id DESC LIMIT 51;
COMMIT;
