-- Cases and everything that hangs off them: parties, the hash-chained history, comments,
-- links, the staff directory used for conflict routing, idempotency keys, the outbox and
-- the escalations the deadline sweeper has raised.

-- Who belongs to and heads which office, for conflict routing (oversight directory import).
CREATE TABLE staff_directory (
    person_id text PRIMARY KEY CHECK (person_id <> ''),
    display_name text NOT NULL,
    office text NOT NULL CHECK (office ~ '^[A-Z]{2,8}$'),
    heads_office boolean NOT NULL DEFAULT false,
    is_director_general boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Case numbers are counted per office and year (OIG-2026-000123); the row lock on the
-- counter serializes allocation within one office and year only.
CREATE TABLE case_counters (
    office text NOT NULL,
    year integer NOT NULL,
    last_number integer NOT NULL,
    PRIMARY KEY (office, year)
);

CREATE TABLE cases (
    id uuid PRIMARY KEY,
    reference text NOT NULL UNIQUE,
    kind text NOT NULL,
    workflow_version_id bigint NOT NULL REFERENCES workflow_versions (id),
    office text NOT NULL,
    state text NOT NULL,
    category text NOT NULL,
    priority text NOT NULL CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
    -- 0 = urgent ... 3 = low: the queue sorts on it.
    priority_rank smallint NOT NULL CHECK (priority_rank BETWEEN 0 AND 3),
    title text NOT NULL,
    narrative text NOT NULL,
    occurred_on text,
    location text,
    region text,
    country_office text,
    -- NULL only for anonymous intake.
    filed_by text,
    assignee text,
    routing_rule text NOT NULL,
    conflict text,
    sealed_from text[] NOT NULL DEFAULT '{}',
    restricted_to_head boolean NOT NULL DEFAULT false,
    -- The engine's view of the case: fields, visited states, clocks, reporter duties.
    snapshot jsonb NOT NULL,
    -- Earliest thing owed ('infinity' when nothing is): the queue's second sort key.
    due_at timestamptz NOT NULL DEFAULT 'infinity',
    -- Earliest owed item not yet escalated: what the sweeper looks for.
    next_escalation_at timestamptz NOT NULL DEFAULT 'infinity',
    opened_at timestamptz NOT NULL,
    closed_at timestamptz,
    outcome text,
    version integer NOT NULL DEFAULT 1,
    -- The head of the case's event chain, so appending needs no extra read.
    event_seq integer NOT NULL DEFAULT 0,
    event_hash bytea NOT NULL DEFAULT '\x',
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The triage queue: one office's open cases by priority, due date, age.
CREATE INDEX cases_open_queue ON cases (office, priority_rank, due_at, opened_at, id) WHERE closed_at IS NULL;
CREATE INDEX cases_open_by_assignee ON cases (office, assignee) WHERE closed_at IS NULL;
CREATE INDEX cases_filed_by ON cases (filed_by, opened_at DESC) WHERE filed_by IS NOT NULL;
CREATE INDEX cases_escalation_due ON cases (next_escalation_at) WHERE closed_at IS NULL;

CREATE TABLE case_parties (
    case_id uuid NOT NULL REFERENCES cases (id),
    person_id text NOT NULL CHECK (person_id <> ''),
    role text NOT NULL CHECK (role IN ('reporter', 'subject', 'witness', 'conflicted')),
    added_by text,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, person_id, role)
);
CREATE INDEX case_parties_person ON case_parties (person_id);

-- The history: append-only, numbered per case without gaps, each event hashed with the one
-- before it (see CaseEventChain). The database refuses to change it.
CREATE TABLE case_events (
    case_id uuid NOT NULL REFERENCES cases (id),
    seq integer NOT NULL CHECK (seq > 0),
    kind text NOT NULL,
    actor text NOT NULL,
    at timestamptz NOT NULL,
    data jsonb NOT NULL,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (case_id, seq)
);
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION refuse_modification();
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_modification();
REVOKE UPDATE, DELETE, TRUNCATE ON case_events FROM PUBLIC;

CREATE TABLE comments (
    id uuid PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES cases (id),
    author text NOT NULL,
    -- internal: case workers only; reporter: a message to or from the reporter.
    visibility text NOT NULL CHECK (visibility IN ('internal', 'reporter')),
    body text NOT NULL CHECK (body <> ''),
    created_at timestamptz NOT NULL
);
CREATE INDEX comments_case ON comments (case_id, created_at);

CREATE TABLE case_links (
    case_id uuid NOT NULL REFERENCES cases (id),
    linked_case_id uuid NOT NULL REFERENCES cases (id),
    relation text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, linked_case_id)
);

-- A retried POST returns the stored response; keys are scoped to the caller.
CREATE TABLE idempotency_keys (
    caller text NOT NULL,
    key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_hash text NOT NULL,
    response_status integer NOT NULL,
    response_body bytea NOT NULL,
    case_id uuid REFERENCES cases (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (caller, key)
);

-- Notifications to deliver, written in the transaction of the change that caused them.
CREATE TABLE outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id uuid REFERENCES cases (id),
    kind text NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz
);
CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL;

-- One row per overdue item escalated: the primary key makes each escalation happen once,
-- however many sweepers run.
CREATE TABLE escalations (
    case_id uuid NOT NULL REFERENCES cases (id),
    item text NOT NULL,
    due_at timestamptz NOT NULL,
    escalated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, item, due_at)
);
