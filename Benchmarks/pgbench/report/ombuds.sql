-- The naive way to the same numbers: GROUP BY over the raw rows on every read, as the
-- application login reading as the reporting job (row security evaluated per row).
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.system', 'reporting', true);
SELECT coalesce(snapshot #>> '{fields,ioa_category,value}', ''), coalesce(snapshot #>> '{fields,visitor_type,value}', ''),
       coalesce(region, ''), date_trunc('month', opened_at), coalesce(outcome, ''),
       count(*) FILTER (WHERE opened_at >= CAST(:from AS timestamptz) AND opened_at < CAST(:to AS timestamptz)),
       count(*) FILTER (WHERE closed_at >= CAST(:from AS timestamptz) AND closed_at < CAST(:to AS timestamptz))
FROM cases WHERE kind = 'ombuds_case' AND sealed_from = '{}' AND NOT restricted_to_head
GROUP BY 1, 2, 3, 4, 5;
COMMIT;
