-- The queue's kind filter: the audit plan (`?kind=audit` at OIG) and the evaluation pipeline
-- (`?kind=evaluation` at EVM) read an office's open cases of one kind, which are few among
-- the office's investigations; without an index the scan walks past all of those first.
CREATE INDEX cases_open_queue_by_kind ON cases (office, kind, priority_rank, due_at, opened_at, id) WHERE closed_at IS NULL;
