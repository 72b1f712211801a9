-- GET /v1/search?limit=50&q=... as the OIG lead: the statements CaseStore.search runs for a
-- lead. It reads the index newest first a window of weeks at a time (this week and the next,
-- then 1, 2, 4 ... 64 weeks, then every older week), each read returning the candidates with
-- whether the lead may see each, until 201 are counted; then it reads the first 50 cases.
-- (The service also reads a window again when some of a read's candidates were hidden: the
-- lead sees nearly every OIG case, so the ceiling leaves that out.) The query's words are
-- already tagged (bench_queries, made by scripts/bench from the same queries the load driver
-- sends, with the key ring's index key).
\set n random(1, :queries)
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.actor', 'oig-lead', true), set_config('oversight.actor_tag', 't:' || md5('oig-lead'), true),
       set_config('oversight.memberships', '{OIG:' || 'lead}', true),
       set_config('oversight.offices', '{OIG}', true), set_config('oversight.sharing_offices', '{ECO,EVM,OMB,OSS}', true),
       set_config('oversight.system', '', true), set_config('oversight.follows_up', 'false', true);
SELECT q.tags AS q_tags, floor(extract(epoch FROM now()) / 604800)::int AS week,
       '{}' AS k1_ids, '{}' AS k2_ids, '{}' AS k3_ids, '{}' AS k4_ids, '{}' AS k5_ids, '{}' AS k6_ids, '{}' AS k7_ids,
       '{}' AS k8_ids, '{}' AS k9_ids
  FROM bench_queries q WHERE q.n = :n \gset
\set need 201
\set got 0
\set hi :week + 1
\set lo :week
\set width 1
\if :got < :need
\set left :need - :got
SELECT count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_week(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_week(s.opened_at)) && ARRAY(SELECT -(1000000 + g)::int8 FROM generate_series(:lo, :hi) g)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k1_
\set got :got + :k1_seen
\set hi :lo - 1
\set lo :hi - :width + 1
\set width :width * 2
\endif
\if :got < :need
\set left :need - :got
SELECT count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_week(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_week(s.opened_at)) && ARRAY(SELECT -(1000000 + g)::int8 FROM generate_series(:lo, :hi) g)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k2_
\set got :got + :k2_seen
\set hi :lo - 1
\set lo :hi - :width + 1
\set width :width * 2
\endif
\if :got < :need
\set left :need - :got
SELECT count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_week(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_week(s.opened_at)) && ARRAY(SELECT -(1000000 + g)::int8 FROM generate_series(:lo, :hi) g)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k3_
\set got :got + :k3_seen
\set hi :lo - 1
\set lo :hi - :width + 1
\set width :width * 2
\endif
\if :got < :need
\set left :need - :got
SELECT count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_week(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_week(s.opened_at)) && ARRAY(SELECT -(1000000 + g)::int8 FROM generate_series(:lo, :hi) g)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k4_
\set got :got + :k4_seen
\set hi :lo - 1
\set lo :hi - :width + 1
\set width :width * 2
\endif
\if :got < :need
\set left :need - :got
SELECT count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_week(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_week(s.opened_at)) && ARRAY(SELECT -(1000000 + g)::int8 FROM generate_series(:lo, :hi) g)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k5_
\set got :got + :k5_seen
\set hi :lo - 1
\set lo :hi - :width + 1
\set width :width * 2
\endif
\if :got < :need
\set left :need - :got
SELECT count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_week(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_week(s.opened_at)) && ARRAY(SELECT -(1000000 + g)::int8 FROM generate_series(:lo, :hi) g)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k6_
\set got :got + :k6_seen
\set hi :lo - 1
\set lo :hi - :width + 1
\set width :width * 2
\endif
\if :got < :need
\set left :need - :got
SELECT count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_week(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_week(s.opened_at)) && ARRAY(SELECT -(1000000 + g)::int8 FROM generate_series(:lo, :hi) g)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k7_
\set got :got + :k7_seen
\set hi :lo - 1
\set lo :hi - :width + 1
\set width :width * 2
\endif
\if :got < :need
\set left :need - :got
SELECT count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_week(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_week(s.opened_at)) && ARRAY(SELECT -(1000000 + g)::int8 FROM generate_series(:lo, :hi) g)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k8_
\set got :got + :k8_seen
\set hi :lo - 1
\set lo :hi - :width + 1
\set width :width * 2
\endif
\if :got < :need
\set left :need - :got
SELECT count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_week(s.opened_at)) @> :q_tags::int8[]
          AND s.opened_at < to_timestamp((:hi + 1) * 604800.0)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k9_
\endif
SELECT id, reference, kind, workflow_version_id, office, state, category, priority, priority_rank, title, narrative, occurred_on,
    location, region, country_office, filed_by, assignee, routing_rule, conflict, sealed_from, restricted_to_head, snapshot,
    due_at, next_escalation_at, opened_at, closed_at, outcome, version, event_seq, event_hash, updated_at, reporter_version,
    subject_ids, conflicted_ids, witness_ids, reporter_ids, owner_office, owner_id, source_case_id, filer
    , (SELECT coalesce(k.key, '\x'::bytea) FROM case_keys k WHERE k.case_id = cases.id) AS case_key
FROM cases WHERE cases.id = ANY((:k1_ids::uuid[] || :k2_ids::uuid[] || :k3_ids::uuid[] || :k4_ids::uuid[] || :k5_ids::uuid[]
                                 || :k6_ids::uuid[] || :k7_ids::uuid[] || :k8_ids::uuid[] || :k9_ids::uuid[])[1:50])
  AND NOT (cases.sealed_from && '{OIG}'::text[])
  AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
  AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
           OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
  AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
  AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')
ORDER BY cases.opened_at DESC, cases.id DESC;
COMMIT;
