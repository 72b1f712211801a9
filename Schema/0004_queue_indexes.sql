-- The triage queue's "unassigned" filter: without its own index the queue scan walks past
-- every assigned case of the office first (25 ms at a million cases; well under 1 ms with it).
CREATE INDEX cases_open_unassigned_queue ON cases (office, priority_rank, due_at, opened_at, id)
    WHERE closed_at IS NULL AND assignee IS NULL;
