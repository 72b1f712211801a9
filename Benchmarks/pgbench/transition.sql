-- POST /v1/cases/{reference}/transitions (put_on_hold / resume): the transaction
-- CaseStore.transition runs: lock and read, append the event, update and return the case.
\set n random(:first, :last)
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT id, reference, kind, workflow_version_id, office, state, category, priority, title, narrative, occurred_on,
    location, region, country_office, filed_by, assignee, routing_rule, conflict, sealed_from, restricted_to_head,
    snapshot, due_at, opened_at, closed_at, outcome, version, event_seq, event_hash
    , (SELECT coalesce(json_agg(json_build_object('p', p.person_id, 'r', p.role) ORDER BY p.added_at, p.person_id), '[]')
       FROM case_parties p WHERE p.case_id = cases.id) AS parties_json
FROM cases WHERE reference = 'OIG-' || :year::text || '-' || lpad(:n::text, 6, '0') FOR UPDATE \gset c_
INSERT INTO case_events (case_id, seq, kind, actor, at, data, prev_hash, hash)
VALUES (:c_id, :c_event_seq + 1, 'transition', 'oig-lead', now(), '{"from":"preliminary_assessment","to":"on_hold","transition":"put_on_hold"}',
    :c_event_hash, decode(md5(random()::text) || md5(random()::text), 'hex'));
UPDATE cases SET state = state, snapshot = snapshot, outcome = NULL, closed_at = NULL, due_at = due_at, next_escalation_at = due_at,
    version = version + 1, event_seq = event_seq + 1, event_hash = decode(md5(random()::text) || md5(random()::text), 'hex'),
    updated_at = now(), title = CASE WHEN false THEN '(redacted)' ELSE title END,
    narrative = CASE WHEN false THEN '' ELSE narrative END, location = CASE WHEN false THEN NULL ELSE location END,
    filed_by = CASE WHEN false THEN NULL ELSE filed_by END
WHERE id = :c_id
RETURNING id, reference, kind, workflow_version_id, office, state, category, priority, title, narrative, occurred_on,
    location, region, country_office, filed_by, assignee, routing_rule, conflict, sealed_from, restricted_to_head,
    snapshot, due_at, opened_at, closed_at, outcome, version, event_seq, event_hash
    , (SELECT coalesce(json_agg(json_build_object('p', p.person_id, 'r', p.role) ORDER BY p.added_at, p.person_id), '[]')
       FROM case_parties p WHERE p.case_id = cases.id) AS parties_json;
COMMIT;
