-- The naive way to the same numbers: GROUP BY over the raw rows on every read, as the
-- application login reading as the reporting job (row security evaluated per row).
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT set_config('oversight.system', 'reporting', true);
SELECT coalesce(owner_office, ''), priority, office,
       count(*) FILTER (WHERE opened_at >= CAST(:from AS timestamptz) AND opened_at < CAST(:to AS timestamptz)) AS issued,
       count(*) FILTER (WHERE opened_at < CAST(:to AS timestamptz) AND (closed_at IS NULL OR closed_at >= CAST(:to AS timestamptz))) AS open_at_end,
       count(*) FILTER (WHERE outcome = 'risk_accepted' AND closed_at >= CAST(:from AS timestamptz) AND closed_at < CAST(:to AS timestamptz)),
       count(*) FILTER (WHERE outcome = 'implemented' AND closed_at >= CAST(:from AS timestamptz) AND closed_at < CAST(:to AS timestamptz)
                        AND closed_at - opened_at <= interval '366 days'),
       count(*) FILTER (WHERE outcome = 'implemented' AND closed_at >= CAST(:from AS timestamptz) AND closed_at < CAST(:to AS timestamptz)
                        AND closed_at - opened_at <= interval '549 days'),
       count(*) FILTER (WHERE closed_at IS NULL AND due_at < date_trunc('day', now())) AS overdue
FROM cases WHERE kind = 'recommendation' AND sealed_from = '{}' AND NOT restricted_to_head
GROUP BY 1, 2, 3;
COMMIT;
