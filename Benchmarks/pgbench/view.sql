-- (pgbench reads ":name" as a variable even inside a literal: memberships are spelled so as not to.)
-- GET /v1/cases/{reference} as the OIG lead: the transaction CaseStore.find runs (the actor
-- for row security, then the case with its links), under the application login. The
-- reference comes from bench_refs, the same sample the load driver picks from. One round trip,
-- as the service sends it (libpq pipeline mode).
\set n random(1, :refs)
\startpipeline
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.actor', 'oig-lead', true), set_config('oversight.actor_tag', 't:' || md5('oig-lead'), true),
       set_config('oversight.memberships', '{OIG:' || 'lead}', true),
       set_config('oversight.offices', '{OIG}', true), set_config('oversight.sharing_offices', '{ECO,EVM,OMB,OSS}', true),
       set_config('oversight.system', '', true), set_config('oversight.follows_up', 'false', true);
SELECT id, reference, kind, workflow_version_id, office, state, category, priority, priority_rank, title, narrative, occurred_on,
    location, region, country_office, filed_by, assignee, routing_rule, conflict, sealed_from, restricted_to_head, snapshot,
    due_at, next_escalation_at, opened_at, closed_at, outcome, version, event_seq, event_hash, updated_at, reporter_version,
    subject_ids, conflicted_ids, witness_ids, reporter_ids, owner_office, owner_id, source_case_id, filer
    , (SELECT coalesce(k.key, '\x'::bytea) FROM case_keys k WHERE k.case_id = cases.id) AS case_key
    , (SELECT coalesce(json_agg(json_build_object('reference', l.linked_reference, 'relation', l.relation)
                                ORDER BY l.created_at, l.linked_reference), '[]')
       FROM case_links l WHERE l.case_id = cases.id) AS links_json
FROM cases WHERE reference = (SELECT reference FROM bench_refs WHERE n = :n);
COMMIT;
\endpipeline
