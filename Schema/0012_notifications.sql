-- Notifications that reach people: the dispatcher delivers outbox rows into each recipient's
-- inbox, resolving recipients when it delivers (the case may have been sealed or restricted
-- since). A row names a person and a case reference, nothing of the case's content; only the
-- recipient reads theirs (and marks it read), only the dispatcher writes them.
CREATE TABLE notifications (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    outbox_id bigint NOT NULL REFERENCES outbox (id),
    recipient text NOT NULL,
    kind text NOT NULL,
    reference text,
    created_at timestamptz NOT NULL,
    read_at timestamptz,
    UNIQUE (outbox_id, recipient)
);
CREATE INDEX notifications_by_recipient ON notifications (recipient, id);
CREATE INDEX outbox_undelivered ON outbox (kind, id) WHERE delivered_at IS NULL;

ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
CREATE POLICY notifications_read ON notifications FOR SELECT USING (recipient = oversight_actor() OR oversight_system() <> '');
CREATE POLICY notifications_deliver ON notifications FOR INSERT WITH CHECK (oversight_system() <> '');
CREATE POLICY notifications_mark_read ON notifications FOR UPDATE USING (recipient = oversight_actor()) WITH CHECK (recipient = oversight_actor());
CREATE POLICY outbox_deliver ON outbox FOR UPDATE USING (oversight_system() <> '') WITH CHECK (true);

GRANT SELECT, INSERT ON notifications TO oversight_service;
GRANT UPDATE (read_at) ON notifications TO oversight_service;
GRANT UPDATE (delivered_at) ON outbox TO oversight_service;
GRANT USAGE ON SEQUENCE notifications_id_seq TO oversight_service;
