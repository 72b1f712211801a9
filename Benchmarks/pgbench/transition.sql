-- POST /v1/cases/{reference}/transitions (put_on_hold / resume) as the OIG lead: the
-- transaction CaseStore.transition runs: the actor, lock and read, append the event (with the
-- facts it changed), update and return the case. The state flips between on_hold and
-- preliminary_assessment as the load driver's transitions flip it: a state is in an index, so
-- the update is not a HOT one (writing the same state back was, and cost PostgreSQL half as
-- much as the service's update). Round trips as the service's (libpq pipeline mode), but for
-- one: pgbench cannot keep a \gset in a pipeline, so the BEGIN and the actor go before the
-- locking read, not with it.
\set n random(1, :prepared)
\startpipeline
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.actor', 'oig-lead', true), set_config('oversight.actor_tag', 't:' || md5('oig-lead'), true),
       set_config('oversight.memberships', '{OIG:' || 'lead}', true),
       set_config('oversight.offices', '{OIG}', true), set_config('oversight.sharing_offices', '{ECO,EVM,OMB,OSS}', true),
       set_config('oversight.system', '', true), set_config('oversight.follows_up', 'false', true);
\endpipeline
SELECT id, reference, kind, workflow_version_id, office, state, category, priority, priority_rank, title, narrative, occurred_on,
    location, region, country_office, filed_by, assignee, routing_rule, conflict, sealed_from, restricted_to_head, snapshot,
    due_at, next_escalation_at, opened_at, closed_at, outcome, version, event_seq, event_hash, updated_at, reporter_version,
    subject_ids, conflicted_ids, witness_ids, reporter_ids, owner_office, owner_id, source_case_id, filer
    , (SELECT coalesce(k.key, '\x'::bytea) FROM case_keys k WHERE k.case_id = cases.id) AS case_key
FROM cases WHERE reference = (SELECT reference FROM bench_prepared WHERE n = :n) FOR UPDATE \gset c_
\startpipeline
INSERT INTO case_events (case_id, seq, kind, actor, at, data, prev_hash, hash)
VALUES (:c_id, :c_event_seq + 1, 'transition', 'oig-lead', now(),
    CASE WHEN :c_state = 'on_hold'
         THEN '{"fact.state":"=preliminary_assessment","from":"on_hold","to":"preliminary_assessment","transition":"resume"}'
         ELSE '{"fact.state":"=on_hold","fields":"reason","from":"preliminary_assessment","to":"on_hold","transition":"put_on_hold"}' END::jsonb,
    :c_event_hash, decode(md5(random()::text) || md5(random()::text), 'hex'));
UPDATE cases SET state = CASE WHEN state = 'on_hold' THEN 'preliminary_assessment' ELSE 'on_hold' END, snapshot = snapshot, outcome = NULL, closed_at = NULL, due_at = due_at, next_escalation_at = due_at,
    version = version + 1, reporter_version = reporter_version + 1,
    event_seq = event_seq + 1, event_hash = decode(md5(random()::text) || md5(random()::text), 'hex'),
    updated_at = now(), title = CASE WHEN false THEN '(redacted)' ELSE title END,
    narrative = CASE WHEN false THEN '' ELSE narrative END, location = CASE WHEN false THEN NULL ELSE location END,
    occurred_on = CASE WHEN false THEN NULL ELSE occurred_on END, country_office = CASE WHEN false THEN NULL ELSE country_office END,
    filed_by = CASE WHEN false THEN NULL ELSE filed_by END, filer = CASE WHEN false THEN NULL ELSE filer END, subject_ids = CASE WHEN false THEN '{}' ELSE subject_ids END,
    conflicted_ids = CASE WHEN false THEN '{}' ELSE conflicted_ids END, witness_ids = CASE WHEN false THEN '{}' ELSE witness_ids END,
    reporter_ids = CASE WHEN false THEN '{}' ELSE reporter_ids END
WHERE id = :c_id
RETURNING id, reference, kind, workflow_version_id, office, state, category, priority, priority_rank, title, narrative, occurred_on,
    location, region, country_office, filed_by, assignee, routing_rule, conflict, sealed_from, restricted_to_head, snapshot,
    due_at, next_escalation_at, opened_at, closed_at, outcome, version, event_seq, event_hash, updated_at, reporter_version,
    subject_ids, conflicted_ids, witness_ids, reporter_ids, owner_office, owner_id, source_case_id, filer
    , (SELECT coalesce(k.key, '\x'::bytea) FROM case_keys k WHERE k.case_id = cases.id) AS case_key;
\endpipeline
COMMIT;
