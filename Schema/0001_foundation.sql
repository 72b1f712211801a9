-- Foundation: the organization's offices, the workflow definitions cases pin, and the guard
-- that makes history tables append-only. Later migrations build the case tables on these.

-- Offices of the organization and the oversight role each holds (loaded from Config/offices.yaml).
CREATE TABLE offices (
    code text PRIMARY KEY CHECK (code ~ '^[A-Z]{2,8}$'),
    name text NOT NULL CHECK (name <> ''),
    runs_workflows boolean NOT NULL DEFAULT false,
    is_external_alternate boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every workflow definition the service has loaded, stored by content hash. A case is pinned
-- to the version it started with, so a later edit of Config/workflows never rewrites it.
CREATE TABLE workflow_versions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind ~ '^[a-z_]+$'),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    definition jsonb NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, sha256)
);

-- Trigger function for append-only tables (case history): UPDATE, DELETE and TRUNCATE are
-- refused by the database itself, whatever the application does.
CREATE FUNCTION refuse_modification() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % is refused: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
