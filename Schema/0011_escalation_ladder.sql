-- The escalation ladder (routing.yaml, `escalation:`): an overdue item escalates once per
-- level, each level a row, so any number of sweepers raise each level exactly once.
ALTER TABLE escalations ADD COLUMN level smallint NOT NULL DEFAULT 1 CHECK (level >= 1);
ALTER TABLE escalations DROP CONSTRAINT escalations_pkey;
ALTER TABLE escalations ADD PRIMARY KEY (case_id, item, due_at, level);
