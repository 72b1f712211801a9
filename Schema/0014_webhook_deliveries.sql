-- Webhooks to the organization's gateways (email, chat): each delivered outbox row that a
-- configured webhook subscribes to becomes one delivery, with a stable event id the receiver
-- de-duplicates by. A sender claims due deliveries under a lease (a sender killed mid-send
-- leaves its delivery to be sent again when the lease ends: at least once), retries failures
-- with exponential backoff, and gives up after the configured attempts (dead letter, listed
-- and retried by an administrator). Only the service's jobs read or write it.
CREATE TABLE webhook_deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    outbox_id bigint NOT NULL REFERENCES outbox (id),
    webhook text NOT NULL,
    event_id uuid NOT NULL UNIQUE,
    kind text NOT NULL,
    payload jsonb NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    delivered_at timestamptz,
    dead_at timestamptz,
    last_error text,
    UNIQUE (outbox_id, webhook)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL AND dead_at IS NULL;

ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY webhook_deliveries_jobs ON webhook_deliveries FOR ALL USING (oversight_system() <> '') WITH CHECK (oversight_system() <> '');

GRANT SELECT, INSERT ON webhook_deliveries TO oversight_service;
GRANT UPDATE (attempts, next_attempt_at, delivered_at, dead_at, last_error) ON webhook_deliveries TO oversight_service;
GRANT USAGE ON SEQUENCE webhook_deliveries_id_seq TO oversight_service;
