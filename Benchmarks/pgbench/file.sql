-- POST /v1/cases (no subjects, no idempotency key) by one of the bench's filers: the
-- transaction CaseStore.file runs: the actor, the filing limit, the case under a random
-- reference (title, narrative and filer of a sealed one's length; the ceiling cannot seal, and
-- stores them in the form the service reads back as written before encryption, so that its
-- cases stay readable in the service's queue), its key, its search index row, its two events (the second with every fact), the outbox row.
-- Three round trips, as the service sends them (libpq pipeline mode): the actor and the limit;
-- the case (whose result says whether its reference was free); the rest with the COMMIT.
\set f random(1, :filers)
\startpipeline
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.actor', 'bench-filer-' || :f, true), set_config('oversight.actor_tag', 't:' || md5('bench-filer-' || :f), true),
       set_config('oversight.memberships', '{HRM:' || 'staff}', true),
       set_config('oversight.offices', '{HRM}', true), set_config('oversight.sharing_offices', '{ECO,EVM,OMB,OSS}', true),
       set_config('oversight.system', '', true), set_config('oversight.follows_up', 'false', true);
SELECT count(*) AS n, min(opened_at) AS oldest FROM cases WHERE filed_by IN ('t:' || md5('bench-filer-' || :f), 'bench-filer-' || :f) AND opened_at > now() - interval '1 second';
\endpipeline
INSERT INTO cases (id, reference, kind, workflow_version_id, office, state, category, priority, priority_rank, title,
    narrative, occurred_on, location, region, country_office, filed_by, assignee, routing_rule, conflict, sealed_from,
    restricted_to_head, snapshot, due_at, next_escalation_at, opened_at, closed_at, outcome, version, event_seq, event_hash,
    updated_at, reporter_version, subject_ids, conflicted_ids, witness_ids, reporter_ids, owner_office, owner_id, source_case_id, filer)
VALUES (gen_random_uuid(), upper(substr(md5(random()::text), 1, 4) || '-' || substr(md5(random()::text), 1, 4) || '-'
       || substr(md5(random()::text), 1, 4)), 'investigation', :wv, 'OIG', 'received', 'fraud', 'normal', 2,
    convert_to('Invoices paid twice, as long as it is sealed', 'UTF8'),
    convert_to('Two payments for one delivery, as long as sealed', 'UTF8'), NULL, NULL, 'Europe', NULL,
    'bench-filer-' || :f, NULL,
    'routing.yaml rules[0] (fraud)', NULL, '{}', false,
    '{"fields":{},"visited_states":["received"],"clocks":{},"open_recommendations":0}', now() + interval '3 days',
    now() + interval '3 days', now(), NULL, NULL, 1, 2, '\x00', now(), 1, '{}', '{}', '{}', '{}', NULL, NULL, NULL,
    convert_to('bench-filer-' || :f || ', as long as it is sealed', 'UTF8'))
ON CONFLICT DO NOTHING RETURNING id \gset
\startpipeline
INSERT INTO case_keys (case_id, key, destroyed_at, key_id) VALUES (:id, decode(md5(random()::text) || md5(random()::text), 'hex'), NULL, NULL);
INSERT INTO case_search (case_id, office, opened_at, tags) VALUES (:id, 'OIG', now(), '{1,2,3,4,5,6,7,8,9,10,11,12,13,14}');
INSERT INTO case_events (case_id, seq, kind, actor, at, data, prev_hash, hash)
VALUES (:id, 1, 'filed', 'reporter', now(), '{"category":"fraud","kind":"investigation"}', '\x', decode(md5(random()::text) || md5(random()::text), 'hex'));
INSERT INTO case_events (case_id, seq, kind, actor, at, data, prev_hash, hash)
VALUES (:id, 2, 'routed', 'system:' || 'routing', now(),
    '{"fact.assignee":"null","fact.category":"=fraud","fact.closed_at":"null","fact.country_office":"null","fact.filed_by":"h\u003a310fa49a950a192e9f94646b9b342c64","fact.kind":"=investigation","fact.location":"null","fact.narrative":"h\u003af1f6e1329f623f1dbfc858115eda25e2","fact.occurred_on":"null","fact.office":"=OIG","fact.opened_at":"=1795961433674014","fact.outcome":"null","fact.priority":"=normal","fact.region":"=Europe","fact.restricted_to_head":"=false","fact.sealed_from":"=","fact.state":"=received","fact.title":"h\u003acfc2c05419617f8f435346427c249b5c","fact.workflow_version":"=5","office":"OIG","priority":"normal","rule":"routing.yaml rules[0] (fraud)"}',
    decode(md5(random()::text) || md5(random()::text), 'hex'), decode(md5(random()::text) || md5(random()::text), 'hex'));
INSERT INTO outbox (case_id, kind, payload) VALUES (:id, 'case_filed', '{"office":"OIG"}');
COMMIT;
\endpipeline
