-- The naive way to the same numbers: GROUP BY over the raw rows on every read, as the
-- application login reading as the reporting job (row security evaluated per row).
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.system', 'reporting', true);
SELECT office, kind, category, coalesce(region, ''), coalesce(country_office, ''),
       count(*) FILTER (WHERE opened_at >= CAST(:from AS timestamptz) AND opened_at < CAST(:to AS timestamptz)) AS received,
       count(*) FILTER (WHERE closed_at >= CAST(:from AS timestamptz) AND closed_at < CAST(:to AS timestamptz)) AS closed,
       count(*) FILTER (WHERE opened_at < CAST(:to AS timestamptz) AND (closed_at IS NULL OR closed_at >= CAST(:to AS timestamptz))) AS open_at_end
FROM cases WHERE kind <> 'ombuds_case' AND sealed_from = '{}' AND NOT restricted_to_head GROUP BY 1, 2, 3, 4, 5;
SELECT date_trunc('month', opened_at), count(*) FROM cases
WHERE kind <> 'ombuds_case' AND sealed_from = '{}' AND NOT restricted_to_head
  AND opened_at >= CAST(:from AS timestamptz) AND opened_at < CAST(:to AS timestamptz) GROUP BY 1;
COMMIT;
