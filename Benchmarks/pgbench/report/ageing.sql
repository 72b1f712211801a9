-- The naive way to the same numbers: GROUP BY over the raw rows on every read, as the
-- application login reading as the reporting job (row security evaluated per row).
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.system', 'reporting', true);
SELECT office, kind, state,
       count(*) FILTER (WHERE now() - opened_at <= interval '31 days') AS days_0_30,
       count(*) FILTER (WHERE now() - opened_at > interval '31 days' AND now() - opened_at <= interval '91 days') AS days_31_90,
       count(*) FILTER (WHERE now() - opened_at > interval '91 days' AND now() - opened_at <= interval '181 days') AS days_91_180,
       count(*) FILTER (WHERE now() - opened_at > interval '181 days' AND now() - opened_at <= interval '366 days') AS days_181_365,
       count(*) FILTER (WHERE now() - opened_at > interval '366 days') AS days_over_365,
       count(*) FILTER (WHERE due_at < date_trunc('day', now())) AS overdue
FROM cases WHERE closed_at IS NULL AND kind <> 'ombuds_case' AND sealed_from = '{}' AND NOT restricted_to_head GROUP BY 1, 2, 3;
COMMIT;
