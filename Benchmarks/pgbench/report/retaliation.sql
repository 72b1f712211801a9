-- The naive way to the same numbers: GROUP BY over the raw rows on every read, as the
-- application login reading as the reporting job (row security evaluated per row).
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.system', 'reporting', true);
SELECT coalesce(region, ''), count(*) AS requests,
       count(*) FILTER (WHERE snapshot -> 'visited_states' ? 'prima_facie_found') AS prima_facie_found,
       count(*) FILTER (WHERE snapshot -> 'visited_states' ? 'referred_for_investigation') AS referred,
       count(*) FILTER (WHERE snapshot -> 'visited_states' ? 'established') AS established,
       count(*) FILTER (WHERE snapshot -> 'visited_states' ? 'protection_measures') AS protection_measures,
       count(*) FILTER (WHERE snapshot -> 'visited_states' ? 'interim_protection_pending') AS interim
FROM cases WHERE kind = 'retaliation_review' AND opened_at >= CAST(:from AS timestamptz) AND opened_at < CAST(:to AS timestamptz)
  AND sealed_from = '{}' AND NOT restricted_to_head
GROUP BY 1;
SELECT coalesce(region, ''), outcome, count(*) FROM cases
WHERE kind = 'retaliation_review' AND closed_at >= CAST(:from AS timestamptz) AND closed_at < CAST(:to AS timestamptz)
  AND sealed_from = '{}' AND NOT restricted_to_head
GROUP BY 1, 2;
COMMIT;
