-- Evidence attached to a case (issue 12). A file is stored in chunks, streamed in as it
-- arrives, all in the upload's transaction: a request cut off, too large or of the wrong kind
-- rolls back and leaves nothing. Its SHA-256 is recorded in the case's history when it is
-- shared with the office (chain of custody).
--
-- Who reads what: those who work the case read the files shared with it; the reporter reads
-- the files they attached (and confirms or discards one held back for its metadata); the
-- uploader is recorded as "reporter" for the reporter, never by id. A file being uploaded is
-- seen only by its own transaction.
CREATE TABLE attachments (
    id uuid PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES cases (id),
    name text NOT NULL CHECK (name <> '' AND octet_length(name) <= 255 AND strpos(name, '/') = 0),
    media_type text NOT NULL,
    kind text NOT NULL,
    size bigint NOT NULL CHECK (size >= 0),
    sha256 bytea CHECK (length(sha256) = 32),
    uploaded_by text NOT NULL,
    uploaded_at timestamptz NOT NULL,
    -- uploading (this transaction only), held (the reporter is to confirm), shared.
    state text NOT NULL CHECK (state IN ('uploading', 'held', 'shared')),
    warnings text[] NOT NULL DEFAULT '{}',
    CHECK (state = 'uploading' OR (size > 0 AND sha256 IS NOT NULL))
);
CREATE INDEX attachments_case ON attachments (case_id, uploaded_at);

CREATE TABLE attachment_chunks (
    attachment_id uuid NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    seq integer NOT NULL CHECK (seq >= 0),
    data bytea NOT NULL,
    PRIMARY KEY (attachment_id, seq)
);

CREATE FUNCTION oversight_attachment_visible(target_case uuid, target_state text, target_uploader text, row_xmin xid) RETURNS boolean
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    level integer;
BEGIN
    IF target_state = 'uploading' THEN RETURN row_xmin = pg_current_xact_id_if_assigned()::xid; END IF;
    IF oversight_system() <> '' THEN RETURN true; END IF;
    level := oversight_case_level(target_case);
    RETURN (level >= 2 AND target_state = 'shared') OR (level = 1 AND target_uploader = 'reporter');
END $$;

ALTER TABLE attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE attachments FORCE ROW LEVEL SECURITY;
CREATE POLICY attachments_read ON attachments FOR SELECT
    USING (oversight_attachment_visible(case_id, state, uploaded_by, xmin));
CREATE POLICY attachments_upload ON attachments FOR INSERT WITH CHECK (state = 'uploading' AND oversight_case_writable(case_id));
-- The upload's own transaction finishes it; the reporter then shares or discards a held one.
CREATE POLICY attachments_finish ON attachments FOR UPDATE
    USING ((state = 'uploading' AND xmin = pg_current_xact_id_if_assigned()::xid)
           OR (state = 'held' AND uploaded_by = 'reporter' AND oversight_case_level(case_id) = 1))
    WITH CHECK (state IN ('held', 'shared'));
CREATE POLICY attachments_discard ON attachments FOR DELETE
    USING ((state = 'held' AND uploaded_by = 'reporter' AND oversight_case_level(case_id) = 1) OR oversight_case_level(case_id) >= 2);

-- A chunk is read with its file and written only into a file its transaction is uploading:
-- nobody appends to evidence already stored.
ALTER TABLE attachment_chunks ENABLE ROW LEVEL SECURITY;
ALTER TABLE attachment_chunks FORCE ROW LEVEL SECURITY;
CREATE POLICY attachment_chunks_read ON attachment_chunks FOR SELECT
    USING (EXISTS (SELECT 1 FROM attachments a WHERE a.id = attachment_id));
CREATE POLICY attachment_chunks_write ON attachment_chunks FOR INSERT
    WITH CHECK (EXISTS (SELECT 1 FROM attachments a WHERE a.id = attachment_id AND a.state = 'uploading'));

-- What a case's files take together, held ones included, whoever asks: the limit per case
-- counts every file, not only those the uploader may see.
CREATE FUNCTION attachment_bytes(target_case uuid) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    scope text := coalesce(current_setting('oversight.system', true), '');
    total bigint;
BEGIN
    IF NOT oversight_case_writable(target_case) THEN RETURN 0; END IF;
    PERFORM set_config('oversight.system', 'reporting', true);
    SELECT coalesce(sum(size), 0) INTO total FROM attachments WHERE case_id = target_case AND state <> 'uploading';
    PERFORM set_config('oversight.system', scope, true);
    RETURN total;
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON attachments TO oversight_service;
GRANT SELECT, INSERT ON attachment_chunks TO oversight_service;
