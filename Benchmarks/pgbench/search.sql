-- GET /v1/search?limit=50&q=... as the OIG lead: the statements CaseStore.search runs for a
-- lead. It reads the index newest first a window of hours at a time (SearchWindow.swift): this
-- hour and the next, then windows three times as wide as the matches read so far say the rest
-- needs, at most eight times the hours already read, each as whole blocks of 1 to
-- 32,768 hours at the OIG (bench_search_window, made by scripts/bench, mirrors
-- SearchWindow.blocks); once the width wanted reaches 32,768 hours, every older hour at once.
-- Each read returns the candidates with whether the lead may see each, until 101 are counted;
-- then it reads the first 50 cases. The service also reads a window again when some of a
-- read's candidates were hidden: the lead sees nearly every OIG case, so the ceiling leaves
-- that out; and it reads any number of windows, the ceiling 12 before the last. The query's
-- words are already tagged (bench_queries, made by scripts/bench from the same queries the load
-- driver sends, with the key ring's index key).
\set n random(1, :queries)
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.actor', 'oig-lead', true), set_config('oversight.actor_tag', 't:' || md5('oig-lead'), true),
       set_config('oversight.memberships', '{OIG:' || 'lead}', true),
       set_config('oversight.offices', '{OIG}', true), set_config('oversight.sharing_offices', '{ECO,EVM,OMB,OSS}', true),
       set_config('oversight.system', '', true), set_config('oversight.follows_up', 'false', true);
SELECT q.tags AS q_tags, floor(extract(epoch FROM now()) / 3600)::bigint AS hour,
       '{}' AS k1_ids, '{}' AS k2_ids, '{}' AS k3_ids, '{}' AS k4_ids, '{}' AS k5_ids, '{}' AS k6_ids, '{}' AS k7_ids, '{}' AS k8_ids, '{}' AS k9_ids, '{}' AS k10_ids, '{}' AS k11_ids, '{}' AS k12_ids, '{}' AS k13_ids
  FROM bench_queries q WHERE q.n = :n \gset
\set need 101
\set got 0
\set read 0
\set last false
\set newest :hour + 1
\set low :hour + 2
\set width 2
\if :got < :need and not :last
\set left :need - :got
WITH w AS (SELECT * FROM bench_search_window('OIG', :low, :width))
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids,
       (SELECT w.low FROM w) AS low FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) && (SELECT w.tags FROM w)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k1_
\set got :got + :k1_seen
\set read :read + :k1_read
\set low :k1_low
\set wanted :need - :got
\set r greatest(:read, 1)
\set est (:wanted * (:newest - :low + 1) * 3 + :r - 1) / :r
\set last :est >= 32768
\set width greatest(1, least(:est, (:newest - :low + 1) * 8))
\endif
\if :got < :need and not :last
\set left :need - :got
WITH w AS (SELECT * FROM bench_search_window('OIG', :low, :width))
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids,
       (SELECT w.low FROM w) AS low FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) && (SELECT w.tags FROM w)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k2_
\set got :got + :k2_seen
\set read :read + :k2_read
\set low :k2_low
\set wanted :need - :got
\set r greatest(:read, 1)
\set est (:wanted * (:newest - :low + 1) * 3 + :r - 1) / :r
\set last :est >= 32768
\set width greatest(1, least(:est, (:newest - :low + 1) * 8))
\endif
\if :got < :need and not :last
\set left :need - :got
WITH w AS (SELECT * FROM bench_search_window('OIG', :low, :width))
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids,
       (SELECT w.low FROM w) AS low FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) && (SELECT w.tags FROM w)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k3_
\set got :got + :k3_seen
\set read :read + :k3_read
\set low :k3_low
\set wanted :need - :got
\set r greatest(:read, 1)
\set est (:wanted * (:newest - :low + 1) * 3 + :r - 1) / :r
\set last :est >= 32768
\set width greatest(1, least(:est, (:newest - :low + 1) * 8))
\endif
\if :got < :need and not :last
\set left :need - :got
WITH w AS (SELECT * FROM bench_search_window('OIG', :low, :width))
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids,
       (SELECT w.low FROM w) AS low FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) && (SELECT w.tags FROM w)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k4_
\set got :got + :k4_seen
\set read :read + :k4_read
\set low :k4_low
\set wanted :need - :got
\set r greatest(:read, 1)
\set est (:wanted * (:newest - :low + 1) * 3 + :r - 1) / :r
\set last :est >= 32768
\set width greatest(1, least(:est, (:newest - :low + 1) * 8))
\endif
\if :got < :need and not :last
\set left :need - :got
WITH w AS (SELECT * FROM bench_search_window('OIG', :low, :width))
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids,
       (SELECT w.low FROM w) AS low FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) && (SELECT w.tags FROM w)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k5_
\set got :got + :k5_seen
\set read :read + :k5_read
\set low :k5_low
\set wanted :need - :got
\set r greatest(:read, 1)
\set est (:wanted * (:newest - :low + 1) * 3 + :r - 1) / :r
\set last :est >= 32768
\set width greatest(1, least(:est, (:newest - :low + 1) * 8))
\endif
\if :got < :need and not :last
\set left :need - :got
WITH w AS (SELECT * FROM bench_search_window('OIG', :low, :width))
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids,
       (SELECT w.low FROM w) AS low FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) && (SELECT w.tags FROM w)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k6_
\set got :got + :k6_seen
\set read :read + :k6_read
\set low :k6_low
\set wanted :need - :got
\set r greatest(:read, 1)
\set est (:wanted * (:newest - :low + 1) * 3 + :r - 1) / :r
\set last :est >= 32768
\set width greatest(1, least(:est, (:newest - :low + 1) * 8))
\endif
\if :got < :need and not :last
\set left :need - :got
WITH w AS (SELECT * FROM bench_search_window('OIG', :low, :width))
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids,
       (SELECT w.low FROM w) AS low FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) && (SELECT w.tags FROM w)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k7_
\set got :got + :k7_seen
\set read :read + :k7_read
\set low :k7_low
\set wanted :need - :got
\set r greatest(:read, 1)
\set est (:wanted * (:newest - :low + 1) * 3 + :r - 1) / :r
\set last :est >= 32768
\set width greatest(1, least(:est, (:newest - :low + 1) * 8))
\endif
\if :got < :need and not :last
\set left :need - :got
WITH w AS (SELECT * FROM bench_search_window('OIG', :low, :width))
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids,
       (SELECT w.low FROM w) AS low FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) && (SELECT w.tags FROM w)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k8_
\set got :got + :k8_seen
\set read :read + :k8_read
\set low :k8_low
\set wanted :need - :got
\set r greatest(:read, 1)
\set est (:wanted * (:newest - :low + 1) * 3 + :r - 1) / :r
\set last :est >= 32768
\set width greatest(1, least(:est, (:newest - :low + 1) * 8))
\endif
\if :got < :need and not :last
\set left :need - :got
WITH w AS (SELECT * FROM bench_search_window('OIG', :low, :width))
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids,
       (SELECT w.low FROM w) AS low FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) && (SELECT w.tags FROM w)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k9_
\set got :got + :k9_seen
\set read :read + :k9_read
\set low :k9_low
\set wanted :need - :got
\set r greatest(:read, 1)
\set est (:wanted * (:newest - :low + 1) * 3 + :r - 1) / :r
\set last :est >= 32768
\set width greatest(1, least(:est, (:newest - :low + 1) * 8))
\endif
\if :got < :need and not :last
\set left :need - :got
WITH w AS (SELECT * FROM bench_search_window('OIG', :low, :width))
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids,
       (SELECT w.low FROM w) AS low FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) && (SELECT w.tags FROM w)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k10_
\set got :got + :k10_seen
\set read :read + :k10_read
\set low :k10_low
\set wanted :need - :got
\set r greatest(:read, 1)
\set est (:wanted * (:newest - :low + 1) * 3 + :r - 1) / :r
\set last :est >= 32768
\set width greatest(1, least(:est, (:newest - :low + 1) * 8))
\endif
\if :got < :need and not :last
\set left :need - :got
WITH w AS (SELECT * FROM bench_search_window('OIG', :low, :width))
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids,
       (SELECT w.low FROM w) AS low FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) && (SELECT w.tags FROM w)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k11_
\set got :got + :k11_seen
\set read :read + :k11_read
\set low :k11_low
\set wanted :need - :got
\set r greatest(:read, 1)
\set est (:wanted * (:newest - :low + 1) * 3 + :r - 1) / :r
\set last :est >= 32768
\set width greatest(1, least(:est, (:newest - :low + 1) * 8))
\endif
\if :got < :need and not :last
\set left :need - :got
WITH w AS (SELECT * FROM bench_search_window('OIG', :low, :width))
SELECT count(*) AS read, count(*) FILTER (WHERE visible) AS seen, coalesce(array_agg(case_id) FILTER (WHERE visible), '{}') AS ids,
       (SELECT w.low FROM w) AS low FROM (
  SELECT c.case_id, c.opened_at, EXISTS (SELECT 1 FROM cases WHERE cases.id = c.case_id
      AND NOT (cases.sealed_from && '{OIG}'::text[])
      AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
      AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
               OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
      AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
      AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')) AS visible
  FROM (SELECT s.case_id, s.opened_at FROM case_search s WHERE s.office = ANY('{OIG}'::text[])
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) && (SELECT w.tags FROM w)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k12_
\set got :got + :k12_seen
\set read :read + :k12_read
\set low :k12_low
\set wanted :need - :got
\set r greatest(:read, 1)
\set est (:wanted * (:newest - :low + 1) * 3 + :r - 1) / :r
\set last :est >= 32768
\set width greatest(1, least(:est, (:newest - :low + 1) * 8))
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
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) @> :q_tags::int8[]
          AND (s.tags || case_search_blocks(s.office, s.opened_at)) && ARRAY[(case_search_blocks('OIG', now()))[7]]
          AND s.opened_at < to_timestamp(:low * 3600.0)
        ORDER BY s.opened_at DESC, s.case_id DESC LIMIT :left) c ORDER BY c.opened_at DESC, c.case_id DESC) probe \gset k13_
\endif
SELECT cases.id, cases.reference, cases.kind, cases.workflow_version_id, cases.office, cases.state, cases.category,
    cases.priority, cases.title, cases.assignee, cases.region, cases.filed_by, cases.sealed_from, cases.restricted_to_head,
    cases.due_at, cases.opened_at, cases.subject_ids, cases.conflicted_ids, cases.witness_ids, cases.reporter_ids,
    cases.owner_office, cases.owner_id,
    (SELECT coalesce(k.key, '\x'::bytea) FROM case_keys k WHERE k.case_id = cases.id) AS case_key
FROM cases WHERE cases.id = ANY((:k1_ids::uuid[] || :k2_ids::uuid[] || :k3_ids::uuid[] || :k4_ids::uuid[] || :k5_ids::uuid[] || :k6_ids::uuid[] || :k7_ids::uuid[] || :k8_ids::uuid[] || :k9_ids::uuid[] || :k10_ids::uuid[] || :k11_ids::uuid[] || :k12_ids::uuid[] || :k13_ids::uuid[])[1:50])
  AND NOT (cases.sealed_from && '{OIG}'::text[])
  AND cases.filed_by IS DISTINCT FROM 't:' || md5('oig-lead') AND cases.filed_by IS DISTINCT FROM 'oig-lead'
  AND NOT ('oig-lead' = ANY (cases.subject_ids) OR 'oig-lead' = ANY (cases.conflicted_ids)
           OR 'oig-lead' = ANY (cases.witness_ids) OR 'oig-lead' = ANY (cases.reporter_ids))
  AND (NOT cases.restricted_to_head OR cases.assignee = 'oig-lead' OR cases.office = ANY('{}'::text[]))
  AND (cases.office = ANY('{OIG}'::text[]) OR cases.assignee = 'oig-lead')
ORDER BY cases.opened_at DESC, cases.id DESC;
COMMIT;
