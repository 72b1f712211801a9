-- Report rollups that cost a writer almost nothing (issue 11). In 0015 every change of a case
-- upserted its cells into report_cells: an index probe and a new row version per cell, in a
-- shard that other writers shared. That halved transition throughput. Now a change appends
-- the signed cells it changes to report_cell_changes, a table with no index and no key:
-- appending never waits for another writer and makes no row versions. A job (report_fold,
-- every second) moves what has accumulated into report_cells, which only it and the
-- backfill write. A report reads both (report_cells_now); a fold deletes the changes it adds
-- in the same transaction, so every snapshot sees each change exactly once: exact at every
-- moment, on the primary and on a replica.

-- The shards go: every cell folded into one row.
CREATE TABLE report_cells_folded (
    measure text NOT NULL,
    period date NOT NULL,
    office text NOT NULL,
    kind text NOT NULL,
    category text NOT NULL DEFAULT '',
    region text NOT NULL DEFAULT '',
    country_office text NOT NULL DEFAULT '',
    confinement text NOT NULL DEFAULT '',
    state text NOT NULL DEFAULT '',
    outcome text NOT NULL DEFAULT '',
    priority text NOT NULL DEFAULT '',
    owner_office text NOT NULL DEFAULT '',
    ioa_category text NOT NULL DEFAULT '',
    visitor_type text NOT NULL DEFAULT '',
    days integer NOT NULL DEFAULT 0,
    n bigint NOT NULL,
    PRIMARY KEY (measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority,
                 owner_office, ioa_category, visitor_type, days)
);
INSERT INTO report_cells_folded
SELECT measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority, owner_office,
       ioa_category, visitor_type, days, sum(n)
FROM report_cells GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 HAVING sum(n) <> 0;
DROP FUNCTION report_compact(integer);
DROP FUNCTION report_apply(report_delta[]);
DROP FUNCTION report_shard();
DROP TYPE report_delta;
DROP TABLE report_cells;
ALTER TABLE report_cells_folded RENAME TO report_cells;
ALTER INDEX report_cells_folded_pkey RENAME TO report_cells_pkey;

-- Signed changes of cells not yet folded. Rows come and go every second: vacuum it as soon
-- as a fold's worth is dead, so that a report's scan of it stays short.
CREATE TABLE report_cell_changes (
    measure text NOT NULL,
    period date NOT NULL,
    office text NOT NULL,
    kind text NOT NULL,
    category text NOT NULL,
    region text NOT NULL,
    country_office text NOT NULL,
    confinement text NOT NULL,
    state text NOT NULL,
    outcome text NOT NULL,
    priority text NOT NULL,
    owner_office text NOT NULL,
    ioa_category text NOT NULL,
    visitor_type text NOT NULL,
    days integer NOT NULL,
    n bigint NOT NULL CHECK (n <> 0)
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_cost_delay = 0);

-- What a report sums: the folded cells and the changes not folded yet.
CREATE VIEW report_cells_now AS
    SELECT measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority, owner_office,
           ioa_category, visitor_type, days, n
    FROM report_cells
    UNION ALL
    SELECT measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority, owner_office,
           ioa_category, visitor_type, days, n
    FROM report_cell_changes;

-- A case's change: the new row's cells less the old row's, netted, and when the case moved
-- office or confinement its past stages with it (the only path that reads the history).
CREATE OR REPLACE FUNCTION report_follow_case() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    moved boolean := TG_OP = 'UPDATE' AND (OLD.office, OLD.kind, OLD.sealed_from, OLD.restricted_to_head)
                                          IS DISTINCT FROM (NEW.office, NEW.kind, NEW.sealed_from, NEW.restricted_to_head);
    scope text;
BEGIN
    IF report_rollups_deferred() THEN RETURN NULL; END IF;
    IF moved THEN
        scope := coalesce(current_setting('oversight.system', true), '');
        PERFORM set_config('oversight.system', 'reporting', true);
    END IF;
    INSERT INTO report_cell_changes (measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority,
                                     owner_office, ioa_category, visitor_type, days, n)
    SELECT d.measure, d.period, d.office, d.kind, d.category, d.region, d.country_office, d.confinement, d.state, d.outcome, d.priority,
           d.owner_office, d.ioa_category, d.visitor_type, d.days, sum(d.n)
    FROM (
        SELECT x.*, 1 AS n FROM report_case_cells(NEW) x WHERE TG_OP <> 'DELETE'
        UNION ALL SELECT x.*, -1 FROM report_case_cells(OLD) x WHERE TG_OP <> 'INSERT'
        UNION ALL SELECT x.*, 1 FROM report_stage_cells(NEW) x WHERE moved
        UNION ALL SELECT x.*, -1 FROM report_stage_cells(OLD) x WHERE moved
    ) d
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 HAVING sum(d.n) <> 0;
    IF moved THEN PERFORM set_config('oversight.system', scope, true); END IF;
    RETURN NULL;
END $$;

-- A transition: the stage it left (the trigger's WHEN clause keeps other events away).
CREATE OR REPLACE FUNCTION report_follow_transition() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    scope text;
BEGIN
    IF report_rollups_deferred() THEN RETURN NULL; END IF;
    scope := coalesce(current_setting('oversight.system', true), '');
    PERFORM set_config('oversight.system', 'reporting', true);
    -- The stage left began with the transition before this one (any, a reopening too), or at
    -- the opening: one step back along the history's key, however long the history.
    INSERT INTO report_cell_changes (measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority,
                                     owner_office, ioa_category, visitor_type, days, n)
    SELECT x.m, x.p, c.office, c.kind, '', '', '', report_confinement(c.sealed_from, c.restricted_to_head), NEW.data ->> 'from',
           coalesce(NEW.data ->> 'stage_deadline', ''), '', '', '', '',
           floor(extract(epoch FROM NEW.at - coalesce(
               (SELECT p.at FROM case_events p WHERE p.case_id = NEW.case_id AND p.seq < NEW.seq AND p.kind = 'transition'
                ORDER BY p.seq DESC LIMIT 1), c.opened_at)) / 86400)::integer,
           1
    FROM cases c, (VALUES ('stage_days', report_month(NEW.at)), ('stage_days_year', report_year(NEW.at))) AS x (m, p)
    WHERE c.id = NEW.case_id;
    PERFORM set_config('oversight.system', scope, true);
    RETURN NULL;
END $$;

DROP TRIGGER case_events_report_cells ON case_events;
CREATE TRIGGER case_events_report_cells AFTER INSERT ON case_events FOR EACH ROW
    WHEN (NEW.kind = 'transition' AND NEW.data ->> 'reopened' IS DISTINCT FROM 'true')
    EXECUTE FUNCTION report_follow_transition();

-- Moves up to `batch` changes into report_cells, deleting a cell that comes to zero (no key
-- outlives the cases it counts). One run at a time (an advisory lock, not waited for); it
-- takes only committed changes, which nobody else deletes, so it never waits for a writer
-- and no writer waits for it. Returns the changes folded (fewer than `batch`: none left).
CREATE FUNCTION report_fold(batch integer) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    folded integer;
    zeros tid[];
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('report_fold')) THEN RETURN 0; END IF;
    WITH taken AS (
        DELETE FROM report_cell_changes WHERE ctid = ANY (ARRAY(SELECT ctid FROM report_cell_changes LIMIT batch)) RETURNING *),
    put AS (
        INSERT INTO report_cells AS r (measure, period, office, kind, category, region, country_office, confinement, state, outcome,
                                       priority, owner_office, ioa_category, visitor_type, days, n)
        SELECT measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority, owner_office,
               ioa_category, visitor_type, days, sum(n)
        FROM taken GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 HAVING sum(n) <> 0
        ON CONFLICT (measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority, owner_office,
                     ioa_category, visitor_type, days)
        DO UPDATE SET n = r.n + excluded.n
        RETURNING r.ctid AS row_id, r.n)
    SELECT (SELECT count(*) FROM taken), (SELECT array_agg(row_id) FROM put WHERE n = 0) INTO folded, zeros;
    IF zeros IS NOT NULL THEN
        DELETE FROM report_cells WHERE ctid = ANY (zeros);
    END IF;
    RETURN folded;
END $$;

-- Rebuilds the rollup from the raw rows. Writers wait at their append until it commits: what
-- they appended before is in the raw rows it read, what they append after is theirs.
CREATE OR REPLACE FUNCTION report_backfill() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    written bigint;
BEGIN
    PERFORM set_config('oversight.system', 'reporting', true);
    LOCK TABLE report_cells, report_cell_changes IN EXCLUSIVE MODE;
    DELETE FROM report_cell_changes;
    DELETE FROM report_cells;
    INSERT INTO report_cells (measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority,
                              owner_office, ioa_category, visitor_type, days, n)
    SELECT measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority, owner_office,
           ioa_category, visitor_type, days, n FROM report_cells_raw;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END $$;

GRANT SELECT ON report_cells, report_cell_changes, report_cells_now TO oversight_service;
REVOKE EXECUTE ON FUNCTION report_backfill() FROM PUBLIC;
