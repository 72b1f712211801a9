-- GET /v1/cases/{reference}: the one statement CaseStore.find runs (case, parties, links).
\set n random(1, :refs)
SELECT id, reference, kind, workflow_version_id, office, state, category, priority, title, narrative, occurred_on,
    location, region, country_office, filed_by, assignee, routing_rule, conflict, sealed_from, restricted_to_head,
    snapshot, due_at, opened_at, closed_at, outcome, version, event_seq, event_hash
    , (SELECT coalesce(json_agg(json_build_object('p', p.person_id, 'r', p.role) ORDER BY p.added_at, p.person_id), '[]')
       FROM case_parties p WHERE p.case_id = cases.id) AS parties_json
    , (SELECT coalesce(json_agg(json_build_object('reference', linked.reference, 'relation', l.relation)
                                ORDER BY l.created_at, linked.reference), '[]')
       FROM case_links l JOIN cases linked ON linked.id = l.linked_case_id WHERE l.case_id = cases.id) AS links_json
FROM cases WHERE reference = 'OIG-' || :year::text || '-' || lpad(:n::text, 6, '0');
