-- POST /v1/cases (no subjects, no idempotency key): the transaction CaseStore.file runs.
BEGIN ISOLATION LEVEL READ COMMITTED;
INSERT INTO case_counters (office, year, last_number) VALUES ('OIG', :year, 1)
ON CONFLICT (office, year) DO UPDATE SET last_number = case_counters.last_number + 1 RETURNING last_number \gset
INSERT INTO cases (id, reference, kind, workflow_version_id, office, state, category, priority, priority_rank, title,
    narrative, occurred_on, location, region, country_office, filed_by, routing_rule, conflict, sealed_from,
    restricted_to_head, snapshot, due_at, next_escalation_at, opened_at, event_seq, event_hash, updated_at)
VALUES (gen_random_uuid(), 'OIG-' || :year::text || '-' || lpad(:last_number::text, 6, '0'),
    'investigation', :wv, 'OIG', 'received', 'fraud', 'normal', 2,
    'Invoices paid twice', 'Two payments for one delivery.', NULL, NULL, 'Europe', NULL, 'hr-fatima', 'routing.yaml rules[0] (fraud)', NULL, '{}',
    false, '{"fields":{},"visited_states":["received"],"clocks":{},"open_recommendations":0}', now() + interval '3 days',
    now() + interval '3 days', now(), 2, '\x00', now())
RETURNING id \gset
INSERT INTO case_events (case_id, seq, kind, actor, at, data, prev_hash, hash)
VALUES (:id, 1, 'filed', 'hr-fatima', now(), '{"category":"fraud","kind":"investigation"}', '\x', decode(md5(random()::text) || md5(random()::text), 'hex'));
INSERT INTO case_events (case_id, seq, kind, actor, at, data, prev_hash, hash)
VALUES (:id, 2, 'routed', 'hr-fatima', now(), '{"office":"OIG","priority":"normal","rule":"routing.yaml rules[0] (fraud)"}',
    decode(md5(random()::text) || md5(random()::text), 'hex'), decode(md5(random()::text) || md5(random()::text), 'hex'));
INSERT INTO outbox (case_id, kind, payload) VALUES (:id, 'case_filed', '{"office":"OIG"}');
COMMIT;
