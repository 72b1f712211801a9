-- Anonymous intake (issue 12). A case filed without a login gets a random reporter key in
-- place of a person (its filed_by: nobody's id, never shown as one) and a receipt, shown to
-- the reporter once. Only the receipt's slow hash is kept (scrypt under a per-installation
-- salt): not the receipt, not when it was issued, nothing about where the request came from.
-- A receipt is exchanged for a short session, kept as a SHA-256 of its random token; the
-- session acts as the case's reporter and nothing else.
CREATE TABLE intake_receipts (
    receipt_hash bytea PRIMARY KEY,
    case_id uuid NOT NULL UNIQUE REFERENCES cases (id),
    reporter text NOT NULL
);

CREATE TABLE intake_sessions (
    token_hash bytea PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES cases (id),
    reporter text NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX intake_sessions_expiry ON intake_sessions (expires_at);

-- Only the intake itself reads or writes them: no person's scope, no other job's.
ALTER TABLE intake_receipts ENABLE ROW LEVEL SECURITY;
ALTER TABLE intake_receipts FORCE ROW LEVEL SECURITY;
CREATE POLICY intake_receipts_intake ON intake_receipts USING (oversight_system() = 'intake') WITH CHECK (oversight_system() = 'intake');
ALTER TABLE intake_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE intake_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY intake_sessions_intake ON intake_sessions USING (oversight_system() = 'intake') WITH CHECK (oversight_system() = 'intake');

GRANT SELECT, INSERT ON intake_receipts TO oversight_service;
GRANT SELECT, INSERT, DELETE ON intake_sessions TO oversight_service;
