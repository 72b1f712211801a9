-- The naive way to the same numbers: GROUP BY over the raw rows on every read, as the
-- application login reading as the reporting job (row security evaluated per row).
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.system', 'reporting', true);
SELECT c.kind, s.stage, count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY s.days), percentile_disc(0.9) WITHIN GROUP (ORDER BY s.days),
       count(*) FILTER (WHERE s.deadline <> ''), count(*) FILTER (WHERE s.deadline = 'within')
FROM (SELECT e.case_id, e.data ->> 'from' AS stage, e.at, coalesce(e.data ->> 'stage_deadline', '') AS deadline,
             floor(extract(epoch FROM e.at - lag(e.at) OVER (PARTITION BY e.case_id ORDER BY e.seq)) / 86400) AS days
      FROM case_events e WHERE e.kind = 'transition') s
JOIN cases c ON c.id = s.case_id
WHERE s.at >= CAST(:from AS timestamptz) AND s.at < CAST(:to AS timestamptz) AND c.kind <> 'ombuds_case' AND c.sealed_from = '{}'
  AND NOT c.restricted_to_head
GROUP BY 1, 2;
COMMIT;
