-- The naive way to the same numbers: GROUP BY over the raw rows on every read, as the
-- application login reading as the reporting job (row security evaluated per row).
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.system', 'reporting', true);
SELECT state, count(*) FROM cases WHERE kind = 'evaluation' AND closed_at IS NULL AND sealed_from = '{}' AND NOT restricted_to_head GROUP BY 1;
SELECT office, count(*) FILTER (WHERE opened_at >= CAST(:from AS timestamptz) AND opened_at < CAST(:to AS timestamptz)),
       count(*) FILTER (WHERE closed_at >= CAST(:from AS timestamptz) AND closed_at < CAST(:to AS timestamptz) AND outcome = 'completed'),
       count(*) FILTER (WHERE closed_at >= CAST(:from AS timestamptz) AND closed_at < CAST(:to AS timestamptz) AND outcome = 'cancelled')
FROM cases WHERE kind = 'evaluation' AND sealed_from = '{}' AND NOT restricted_to_head GROUP BY 1;
COMMIT;
