-- The naive way to the same numbers: GROUP BY over the raw rows on every read, as the
-- application login reading as the reporting job (row security evaluated per row).
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.system', 'reporting', true);
SELECT coalesce(region, ''), count(*) FROM cases
WHERE opened_at >= CAST(:from AS timestamptz) AND opened_at < CAST(:to AS timestamptz) AND kind <> 'ombuds_case'
  AND sealed_from = '{}' AND NOT restricted_to_head
GROUP BY 1;
SELECT office, count(*), count(*) FILTER (WHERE kind = 'investigation' AND outcome = 'substantiated'),
       count(*) FILTER (WHERE kind = 'investigation' AND outcome = 'unsubstantiated'),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY floor(extract(epoch FROM closed_at - opened_at) / 86400))
FROM cases WHERE closed_at >= CAST(:from AS timestamptz) AND closed_at < CAST(:to AS timestamptz) AND kind <> 'ombuds_case'
  AND sealed_from = '{}' AND NOT restricted_to_head
GROUP BY 1;
COMMIT;
