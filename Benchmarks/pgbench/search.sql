-- GET /v1/search?limit=50&q=... as the OIG lead: the statements CaseStore.search runs for a
-- lead. It reads the index newest first a window of weeks at a time (SearchReading.swift: this
-- week and the next, then 1, 2, 4 ... 256 weeks as whole blocks of 1, 8 or 64 weeks, then every
-- older week; or every older week at once when the word turned out sparse after four weeks),
-- each read returning the candidates with whether the lead may see each, until 101 are
-- counted; then it reads the first 50 cases. The windows are those of the week the bench
-- started in (bench_search_windows, made by scripts/bench); the service also reads a window
-- again when some of a read's candidates were hidden: the lead sees nearly every OIG case, so
-- the ceiling leaves that out. The query's words are already tagged (bench_queries, made by
-- scripts/bench from the same queries the load driver sends, with the key ring's index key).
\set n random(1, :queries)
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.actor', 'oig-lead', true), set_config('oversight.actor_tag', 't:' || md5('oig-lead'), true),
       set_config('oversight.memberships', '{OIG:' || 'lead}', true),
       set_config('oversight.offices', '{OIG}', true), set_config('oversight.sharing_offices', '{ECO,EVM,OMB,OSS}', true),
       set_config('oversight.system', '', true), set_config('oversight.follows_up', 'false', true);
SELECT q.tags AS q_tags,
       (SELECT w.tags FROM bench_search_windows w WHERE w.k = 1) AS w1_tags, (SELECT w.weeks_read FROM bench_search_windows w WHERE w.k = 1) AS w1_weeks,
       (SELECT w.tags FROM bench_search_windows w WHERE w.k = 2) AS w2_tags, (SELECT w.weeks_read FROM bench_search_windows w WHERE w.k = 2) AS w2_weeks,
       (SELECT w.tags FROM bench_search_windows w WHERE w.k = 3) AS w3_tags, (SELECT w.weeks_read FROM bench_search_windows w WHERE w.k = 3) AS w3_weeks,
       (SELECT w.tags FROM bench_search_windows w WHERE w.k = 4) AS w4_tags, (SELECT w.weeks_read FROM bench_search_windows w WHERE w.k = 4) AS w4_weeks,
       (SELECT w.tags FROM bench_search_windows w WHERE w.k = 5) AS w5_tags, (SELECT w.weeks_read FROM bench_search_windows w WHERE w.k = 5) AS w5_weeks,
       (SELECT w.tags FROM bench_search_windows w WHERE w.k = 6) AS w6_tags, (SELECT w.weeks_read FROM bench_search_windows w WHERE w.k = 6) AS w6_weeks,
       (SELECT w.tags FROM bench_search_windows w WHERE w.k = 7) AS w7_tags, (SELECT w.weeks_read FROM bench_search_windows w WHERE w.k = 7) AS w7_weeks,
       (SELECT w.tags FROM bench_search_windows w WHERE w.k = 8) AS w8_tags, (SELECT w.weeks_read FROM bench_search_windows w WHERE w.k = 8) AS w8_weeks,
       (SELECT w.tags FROM bench_search_windows w WHERE w.k = 9) AS w9_tags, (SELECT w.weeks_read FROM bench_search_windows w WHERE w.k = 9) AS w9_weeks,
       (SELECT w.tags FROM bench_search_windows w WHERE w.k = 10) AS w10_tags, (SELECT w.weeks_read FROM bench_search_windows w WHERE w.k = 10) AS w10_weeks,
       (SELECT w.oldest FROM bench_search_windows w WHERE w.k = 1) AS w1_oldest, (SELECT w.oldest FROM bench_search_windows w WHERE w.k = 2) AS w2_oldest, (SELECT w.oldest FROM bench_search_windows w WHERE w.k = 3) AS w3_oldest, (SELECT w.oldest FROM bench_search_windows w WHERE w.k = 4) AS w4_oldest, (SELECT w.oldest FROM bench_search_windows w WHERE w.k = 5) AS w5_oldest, (SELECT w.oldest FROM bench_search_windows w WHERE w.k = 6) AS w6_oldest, (SELECT w.oldest FROM bench_search_windows w WHERE w.k = 7) AS w7_oldest, (SELECT w.oldest FROM bench_search_windows w WHERE w.k = 8) AS w8_oldest, (SELECT w.oldest FROM bench_search_windows w WHERE w.k = 9) AS w9_oldest, (SELECT w.oldest FROM bench_search_windows w WHERE w.k = 10) AS w10_oldest,
       '{}' AS k1_ids, '{}' AS k2_ids, '{}' AS k3_ids, '{}' AS k4_ids, '{}' AS k5_ids, '{}' AS k6_ids, '{}' AS k7_ids, '{}' AS k8_ids, '{}' AS k9_ids, '{}' AS k10_ids, '{}' AS k11_ids
  FROM bench_queries q WHERE q.n = :n \gset
\set need 101
\set got 0
\set read 0
\set sparse false
\set oldest :w1_oldest
\if :got < :need and not :sparse
\set left :need - :got
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_weeks(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_weeks(s.opened_at)) && :w1_tags::int8[]
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k1_
\set got :got + :k1_seen
\set read :read + :k1_read
\set oldest :w1_oldest
\set sparse :w1_weeks >= 4 and :read < :w1_weeks
\endif
\if :got < :need and not :sparse
\set left :need - :got
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_weeks(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_weeks(s.opened_at)) && :w2_tags::int8[]
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k2_
\set got :got + :k2_seen
\set read :read + :k2_read
\set oldest :w2_oldest
\set sparse :w2_weeks >= 4 and :read < :w2_weeks
\endif
\if :got < :need and not :sparse
\set left :need - :got
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_weeks(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_weeks(s.opened_at)) && :w3_tags::int8[]
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k3_
\set got :got + :k3_seen
\set read :read + :k3_read
\set oldest :w3_oldest
\set sparse :w3_weeks >= 4 and :read < :w3_weeks
\endif
\if :got < :need and not :sparse
\set left :need - :got
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_weeks(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_weeks(s.opened_at)) && :w4_tags::int8[]
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k4_
\set got :got + :k4_seen
\set read :read + :k4_read
\set oldest :w4_oldest
\set sparse :w4_weeks >= 4 and :read < :w4_weeks
\endif
\if :got < :need and not :sparse
\set left :need - :got
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_weeks(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_weeks(s.opened_at)) && :w5_tags::int8[]
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k5_
\set got :got + :k5_seen
\set read :read + :k5_read
\set oldest :w5_oldest
\set sparse :w5_weeks >= 4 and :read < :w5_weeks
\endif
\if :got < :need and not :sparse
\set left :need - :got
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_weeks(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_weeks(s.opened_at)) && :w6_tags::int8[]
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k6_
\set got :got + :k6_seen
\set read :read + :k6_read
\set oldest :w6_oldest
\set sparse :w6_weeks >= 4 and :read < :w6_weeks
\endif
\if :got < :need and not :sparse
\set left :need - :got
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_weeks(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_weeks(s.opened_at)) && :w7_tags::int8[]
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k7_
\set got :got + :k7_seen
\set read :read + :k7_read
\set oldest :w7_oldest
\set sparse :w7_weeks >= 4 and :read < :w7_weeks
\endif
\if :got < :need and not :sparse
\set left :need - :got
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_weeks(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_weeks(s.opened_at)) && :w8_tags::int8[]
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k8_
\set got :got + :k8_seen
\set read :read + :k8_read
\set oldest :w8_oldest
\set sparse :w8_weeks >= 4 and :read < :w8_weeks
\endif
\if :got < :need and not :sparse
\set left :need - :got
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_weeks(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_weeks(s.opened_at)) && :w9_tags::int8[]
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k9_
\set got :got + :k9_seen
\set read :read + :k9_read
\set oldest :w9_oldest
\set sparse :w9_weeks >= 4 and :read < :w9_weeks
\endif
\if :got < :need and not :sparse
\set left :need - :got
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_weeks(s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_weeks(s.opened_at)) && :w10_tags::int8[]
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k10_
\set got :got + :k10_seen
\set read :read + :k10_read
\set oldest :w10_oldest
\set sparse :w10_weeks >= 4 and :read < :w10_weeks
\endif
\if :got < :need
\set left :need - :got
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_weeks(s.opened_at)) @> :q_tags::int8[]
          AND s.opened_at < to_timestamp(:oldest::int * 604800.0)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k11_
\endif
SELECT cases.id, cases.reference, cases.kind, cases.workflow_version_id, cases.office, cases.state, cases.category,
    cases.priority, cases.title, cases.assignee, cases.region, cases.filed_by, cases.sealed_from, cases.restricted_to_head,
    cases.due_at, cases.opened_at, cases.subject_ids, cases.conflicted_ids, cases.witness_ids, cases.reporter_ids,
    cases.owner_office, cases.owner_id,
    (SELECT coalesce(k.key, '\x'::bytea) FROM case_keys k WHERE k.case_id = cases.id) AS case_key
FROM cases WHERE cases.id = ANY((:k1_ids::uuid[] || :k2_ids::uuid[] || :k3_ids::uuid[] || :k4_ids::uuid[] || :k5_ids::uuid[] || :k6_ids::uuid[] || :k7_ids::uuid[] || :k8_ids::uuid[] || :k9_ids::uuid[] || :k10_ids::uuid[] || :k11_ids::uuid[])[1:50])
  AND NOT (cases.sealed_from && '{OIG}'::text[])
  AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
  AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
           OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
  AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
  AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')
ORDER BY cases.opened_at DESC, cases.id DESC;
COMMIT;
