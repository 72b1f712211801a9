-- An idempotency record ties a caller to the case their request filed: only that caller reads
-- it. (0005 also let the officers of the case read it, so that a redacting close could delete
-- it; an unassigned officer of a sharing office would thus have been one query away from who
-- reported.) The close now deletes it as the redaction job, which only the store sets.
DROP POLICY idempotency_read ON idempotency_keys;
DROP POLICY idempotency_redact ON idempotency_keys;
CREATE POLICY idempotency_read ON idempotency_keys FOR SELECT USING (caller = oversight_actor() OR oversight_system() = 'redaction');
CREATE POLICY idempotency_redact ON idempotency_keys FOR DELETE USING (oversight_system() = 'redaction');
