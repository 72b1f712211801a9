-- The naive way to the same numbers: GROUP BY over the raw rows on every read, as the
-- application login reading as the reporting job (row security evaluated per row).
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.system', 'reporting', true);
SELECT category, outcome, count(*) FROM cases
WHERE kind = 'investigation' AND closed_at >= CAST(:from AS timestamptz) AND closed_at < CAST(:to AS timestamptz)
  AND sealed_from = '{}' AND NOT restricted_to_head
GROUP BY 1, 2;
COMMIT;
