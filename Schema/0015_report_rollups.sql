-- Report rollups (issue 11): the counts the oversight reports are made of, kept in the same
-- transaction as every change of a case, so that a report reads a few thousand cells instead
-- of grouping a million cases, and is exact at every moment.
--
-- A case contributes a set of cells (report_case_cells: received in its opening month,
-- closed in its closing month with outcome and days to close, the milestones it reached, and
-- while open its opening day and due day). A trigger on cases subtracts the old row's cells
-- and adds the new row's, in one statement. Stage durations come from the history: each
-- transition adds the stage it left (report_stage_visits), and a case that moves office or
-- confinement moves its past stages with it. report_cells_raw is the same cells recomputed
-- from the raw rows: the backfill's source, the tests' reference and the bench's ceiling.
--
-- No hot rows: a writing transaction adds to its own shard (1 to 31, by transaction id), so
-- concurrent writers to one cell (a month's filings at one office) mostly touch different
-- rows; a job (report_compact, every few seconds) folds each written cell's shards into
-- shard 0, where the backfill puts everything, and deletes a cell that comes to zero: no key
-- outlives the cases it counts. A report sums whatever shards there are. Rows of one
-- statement are written in key order, so two writers never wait on each other in opposite
-- orders.

CREATE TABLE report_cells (
    measure text NOT NULL,
    -- Month start for monthly measures, year start for yearly ones, the day for daily ones.
    period date NOT NULL,
    office text NOT NULL,
    kind text NOT NULL,
    category text NOT NULL DEFAULT '',
    region text NOT NULL DEFAULT '',
    country_office text NOT NULL DEFAULT '',
    -- '' for a case anyone reading its office's reports may know of; else 'restricted',
    -- 'sealed:OFFICE,...' or both joined by ';' (see ReportAudience).
    confinement text NOT NULL DEFAULT '',
    state text NOT NULL DEFAULT '',
    outcome text NOT NULL DEFAULT '',
    priority text NOT NULL DEFAULT '',
    owner_office text NOT NULL DEFAULT '',
    -- Ombuds cases only: the de-identified fields that survive the close.
    ioa_category text NOT NULL DEFAULT '',
    visitor_type text NOT NULL DEFAULT '',
    days integer NOT NULL DEFAULT 0,
    shard smallint NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority,
                 owner_office, ioa_category, visitor_type, days, shard)
);

CREATE FUNCTION report_confinement(sealed_from text[], restricted_to_head boolean) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(';',
        CASE WHEN restricted_to_head THEN 'restricted' END,
        CASE WHEN cardinality(sealed_from) > 0 THEN 'sealed:' || array_to_string(ARRAY(SELECT unnest(sealed_from) ORDER BY 1), ',') END)
$$;

CREATE FUNCTION report_month(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE
    AS $$ SELECT date_trunc('month', at AT TIME ZONE 'UTC')::date $$;
CREATE FUNCTION report_year(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE
    AS $$ SELECT date_trunc('year', at AT TIME ZONE 'UTC')::date $$;

-- The milestones the retaliation, investigation and evaluation reports count.
CREATE FUNCTION report_is_milestone(kind text, state text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT (kind, state) IN (('retaliation_review', 'prima_facie_found'), ('retaliation_review', 'referred_for_investigation'),
                             ('retaliation_review', 'established'), ('retaliation_review', 'protection_measures'),
                             ('retaliation_review', 'interim_protection_pending'), ('investigation', 'investigation'),
                             ('evaluation', 'management_response_issued'), ('evaluation', 'published'))
$$;

-- The cells one case row contributes. Deterministic in the row alone, so the trigger can
-- subtract exactly what it once added.
CREATE FUNCTION report_case_cells(c cases) RETURNS TABLE (
    measure text, period date, office text, kind text, category text, region text, country_office text, confinement text,
    state text, outcome text, priority text, owner_office text, ioa_category text, visitor_type text, days integer
) LANGUAGE sql STABLE AS $$
    WITH k AS (
        SELECT c.office AS office, c.kind AS kind, c.category AS category, coalesce(c.region, '') AS region,
               -- An ombuds case is counted by what survives its close only: never its country office.
               CASE WHEN c.kind = 'ombuds_case' THEN '' ELSE coalesce(c.country_office, '') END AS country_office, report_confinement(c.sealed_from, c.restricted_to_head) AS confinement,
               c.priority AS priority, coalesce(c.owner_office, '') AS owner_office,
               CASE WHEN c.kind = 'ombuds_case' THEN coalesce(c.snapshot #>> '{fields,ioa_category,value}', '') ELSE '' END AS ioa,
               CASE WHEN c.kind = 'ombuds_case' THEN coalesce(c.snapshot #>> '{fields,visitor_type,value}', '') ELSE '' END AS visitor,
               coalesce(c.outcome, '') AS outcome,
               floor(extract(epoch FROM c.closed_at - c.opened_at) / 86400)::integer AS close_days
        WHERE c.id IS NOT NULL
    )
    SELECT m, p, k.office, k.kind, k.category, k.region, k.country_office, k.confinement, '', '', k.priority, k.owner_office, k.ioa, k.visitor, 0
    FROM k, (VALUES ('received', report_month(c.opened_at)), ('received_year', report_year(c.opened_at))) AS v (m, p)
    UNION ALL
    SELECT m, p, k.office, k.kind, k.category, k.region, k.country_office, k.confinement, '', k.outcome, k.priority, k.owner_office, k.ioa,
           k.visitor, 0
    FROM k, (VALUES ('closed', report_month(c.closed_at)), ('closed_year', report_year(c.closed_at))) AS v (m, p)
    WHERE c.closed_at IS NOT NULL
    UNION ALL
    SELECT m, p, k.office, k.kind, '', '', '', k.confinement, '', k.outcome, k.priority, k.owner_office, '', '', k.close_days
    FROM k, (VALUES ('close_days', report_month(c.closed_at)), ('close_days_year', report_year(c.closed_at))) AS v (m, p)
    WHERE c.closed_at IS NOT NULL
    UNION ALL
    SELECT 'reached', report_month(c.opened_at), k.office, k.kind, k.category, k.region, k.country_office, k.confinement, v.state, '',
           k.priority, k.owner_office, '', '', 0
    FROM k, jsonb_array_elements_text(c.snapshot -> 'visited_states') AS v (state) WHERE report_is_milestone(c.kind, v.state)
    UNION ALL
    SELECT m, p, k.office, k.kind, '', '', '', k.confinement, c.state, '', k.priority, k.owner_office, '', '', 0
    FROM k, (VALUES ('open_day', (c.opened_at AT TIME ZONE 'UTC')::date), ('open_month', report_month(c.opened_at))) AS v (m, p)
    WHERE c.closed_at IS NULL
    UNION ALL
    SELECT m, p, k.office, k.kind, '', '', '', k.confinement, c.state, '', k.priority, k.owner_office, '', '', 0
    FROM k, (VALUES ('due_day', (c.due_at AT TIME ZONE 'UTC')::date), ('due_month', report_month(c.due_at))) AS v (m, p)
    WHERE c.closed_at IS NULL AND c.due_at < 'infinity'
$$;

-- The stages a case has left, from its history: the state each transition left, when (the
-- month and the year), after how many whole days, and whether its deadline held ('within',
-- 'late', or '' when the stage had none). A reopening leaves a closed state: not a stage.
CREATE FUNCTION report_stage_visits(target uuid, opened_at timestamptz) RETURNS TABLE (seq integer, stage text, left_at timestamptz, days integer, deadline text)
    LANGUAGE sql STABLE AS $$
    SELECT v.seq, v.stage, v.at, v.days, v.deadline FROM (
        SELECT e.seq, e.data ->> 'from' AS stage, e.at, e.data ->> 'reopened' AS reopened,
               floor(extract(epoch FROM e.at - coalesce(lag(e.at) OVER (ORDER BY e.seq), opened_at)) / 86400)::integer AS days,
               coalesce(e.data ->> 'stage_deadline', '') AS deadline
        FROM case_events e WHERE e.case_id = target AND e.kind = 'transition'
    ) v WHERE v.reopened IS DISTINCT FROM 'true'
$$;

CREATE FUNCTION report_stage_cells(c cases) RETURNS TABLE (
    measure text, period date, office text, kind text, category text, region text, country_office text, confinement text,
    state text, outcome text, priority text, owner_office text, ioa_category text, visitor_type text, days integer
) LANGUAGE sql STABLE AS $$
    SELECT m, p, c.office, c.kind, '', '', '', report_confinement(c.sealed_from, c.restricted_to_head), v.stage, v.deadline, '', '', '', '', v.days
    FROM report_stage_visits(c.id, c.opened_at) v,
         LATERAL (VALUES ('stage_days', report_month(v.left_at)), ('stage_days_year', report_year(v.left_at))) AS x (m, p)
$$;

-- Every case's cells recomputed from the raw rows. The stages are found here with one pass
-- over the whole history, not the trigger's per-case function, so that a mistake in either
-- shows as a difference.
CREATE VIEW report_case_cells_raw AS
    SELECT x.* FROM cases c, LATERAL report_case_cells(c) x
    UNION ALL
    SELECT x.m, x.p, c.office, c.kind, '', '', '', report_confinement(c.sealed_from, c.restricted_to_head), s.stage,
           s.deadline, '', '', '', '', d.days
    FROM (SELECT e.case_id, e.data ->> 'from' AS stage, e.at, e.data ->> 'reopened' AS reopened,
                 coalesce(e.data ->> 'stage_deadline', '') AS deadline,
                 e.at - lag(e.at) OVER (PARTITION BY e.case_id ORDER BY e.seq) AS after_previous
          FROM case_events e WHERE e.kind = 'transition') s
    JOIN cases c ON c.id = s.case_id
    CROSS JOIN LATERAL (VALUES ('stage_days', report_month(s.at)), ('stage_days_year', report_year(s.at))) AS x (m, p)
    CROSS JOIN LATERAL (SELECT floor(extract(epoch FROM coalesce(s.after_previous, s.at - c.opened_at)) / 86400)::integer AS days) d
    WHERE s.reopened IS DISTINCT FROM 'true';

-- Every cell recomputed from the raw rows: what the rollup must equal (summed over shards).
CREATE VIEW report_cells_raw AS
    SELECT measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority, owner_office,
           ioa_category, visitor_type, days, count(*)::bigint AS n
    FROM report_case_cells_raw
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15;

-- This transaction's shard: 1 to 31 (0 is the compacted one).
CREATE FUNCTION report_shard() RETURNS smallint LANGUAGE sql STABLE
    AS $$ SELECT (1 + txid_current() % 31)::smallint $$;

-- A signed change of one cell.
CREATE TYPE report_delta AS (
    measure text, period date, office text, kind text, category text, region text, country_office text, confinement text, state text,
    outcome text, priority text, owner_office text, ioa_category text, visitor_type text, days integer, n bigint
);

-- Adds signed cells to the rollup, netted, in key order, in this transaction's shard; a cell
-- of that shard that comes to zero is deleted at once (the compaction deletes the rest).
CREATE FUNCTION report_apply(deltas report_delta[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    zeros tid[];
BEGIN
    WITH added AS (
        INSERT INTO report_cells AS r (measure, period, office, kind, category, region, country_office, confinement, state, outcome,
                                       priority, owner_office, ioa_category, visitor_type, days, shard, n)
        SELECT d.measure, d.period, d.office, d.kind, d.category, d.region, d.country_office, d.confinement, d.state, d.outcome,
               d.priority, d.owner_office, d.ioa_category, d.visitor_type, d.days, report_shard(), sum(d.n)
        FROM unnest(deltas) d
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
        HAVING sum(d.n) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
        ON CONFLICT (measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority, owner_office,
                     ioa_category, visitor_type, days, shard)
        DO UPDATE SET n = r.n + excluded.n
        RETURNING r.ctid AS row_id, r.n)
    SELECT array_agg(row_id) INTO zeros FROM added WHERE n = 0;
    IF zeros IS NOT NULL THEN
        DELETE FROM report_cells WHERE ctid = ANY (zeros);
    END IF;
END $$;

-- The seeder loads millions of rows and rebuilds the rollup once after (oversight
-- report backfill); it says so with SET LOCAL oversight.rollups = 'deferred'.
CREATE FUNCTION report_rollups_deferred() RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('oversight.rollups', true), '') = 'deferred' $$;

-- Definer rights: the service's login may read the rollup but not write it; only these
-- functions do. They count for every reader, so they read the case and its history as a job
-- of the service (row security lets a job see every case), then give the transaction back
-- its own scope.
CREATE FUNCTION report_follow_case() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    moved boolean := TG_OP = 'UPDATE' AND (OLD.office, OLD.kind, OLD.sealed_from, OLD.restricted_to_head)
                                          IS DISTINCT FROM (NEW.office, NEW.kind, NEW.sealed_from, NEW.restricted_to_head);
    scope text;
BEGIN
    IF report_rollups_deferred() THEN RETURN NULL; END IF;
    scope := coalesce(current_setting('oversight.system', true), '');
    PERFORM set_config('oversight.system', 'reporting', true);
    PERFORM report_apply(coalesce(array_agg(ROW(d.*)::report_delta), '{}')) FROM (
        SELECT x.*, 1 AS n FROM report_case_cells(NEW) x WHERE TG_OP <> 'DELETE'
        UNION ALL SELECT x.*, -1 FROM report_case_cells(OLD) x WHERE TG_OP <> 'INSERT'
        UNION ALL SELECT x.*, 1 FROM report_stage_cells(NEW) x WHERE moved
        UNION ALL SELECT x.*, -1 FROM report_stage_cells(OLD) x WHERE moved
    ) d;
    PERFORM set_config('oversight.system', scope, true);
    RETURN NULL;
END $$;

CREATE FUNCTION report_follow_transition() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    scope text;
BEGIN
    IF report_rollups_deferred() OR NEW.kind <> 'transition' OR NEW.data ->> 'reopened' = 'true' THEN RETURN NULL; END IF;
    scope := coalesce(current_setting('oversight.system', true), '');
    PERFORM set_config('oversight.system', 'reporting', true);
    -- The stage left began with the transition before this one (any, a reopening too), or at
    -- the opening: one step back along the history's key, however long the history.
    PERFORM report_apply(coalesce(array_agg(ROW(d.*)::report_delta), '{}')) FROM (
        SELECT x.m, x.p, c.office, c.kind, '', '', '', report_confinement(c.sealed_from, c.restricted_to_head), NEW.data ->> 'from',
               coalesce(NEW.data ->> 'stage_deadline', ''), '', '', '', '',
               floor(extract(epoch FROM NEW.at - coalesce(
                   (SELECT p.at FROM case_events p WHERE p.case_id = NEW.case_id AND p.seq < NEW.seq AND p.kind = 'transition'
                    ORDER BY p.seq DESC LIMIT 1), c.opened_at)) / 86400)::integer,
               1::bigint AS n
        FROM cases c, (VALUES ('stage_days', report_month(NEW.at)), ('stage_days_year', report_year(NEW.at))) AS x (m, p)
        WHERE c.id = NEW.case_id
    ) d;
    PERFORM set_config('oversight.system', scope, true);
    RETURN NULL;
END $$;

CREATE TRIGGER cases_report_cells AFTER INSERT OR DELETE ON cases FOR EACH ROW EXECUTE FUNCTION report_follow_case();
-- Only a change of something a report counts: a comment or an assignment costs nothing here.
CREATE TRIGGER cases_report_cells_change AFTER UPDATE ON cases FOR EACH ROW
    WHEN ((OLD.office, OLD.kind, OLD.category, OLD.region, OLD.country_office, OLD.sealed_from, OLD.restricted_to_head, OLD.priority,
           OLD.owner_office, OLD.outcome, OLD.opened_at, OLD.closed_at, OLD.state, OLD.due_at, OLD.snapshot -> 'visited_states',
           OLD.snapshot #> '{fields,ioa_category}', OLD.snapshot #> '{fields,visitor_type}')
          IS DISTINCT FROM
          (NEW.office, NEW.kind, NEW.category, NEW.region, NEW.country_office, NEW.sealed_from, NEW.restricted_to_head, NEW.priority,
           NEW.owner_office, NEW.outcome, NEW.opened_at, NEW.closed_at, NEW.state, NEW.due_at, NEW.snapshot -> 'visited_states',
           NEW.snapshot #> '{fields,ioa_category}', NEW.snapshot #> '{fields,visitor_type}'))
    EXECUTE FUNCTION report_follow_case();
CREATE TRIGGER case_events_report_cells AFTER INSERT ON case_events FOR EACH ROW EXECUTE FUNCTION report_follow_transition();

-- Folds up to `batch` shard rows written since the last run into shard 0, deleting a cell that
-- comes to zero. One run at a time (an advisory lock); rows a writer holds are skipped and
-- left for the next run, so the job never waits for a writer (a writer may wait for it, and
-- then finds the row gone and writes a new one). Returns the rows folded (0: none were left).
CREATE FUNCTION report_compact(batch integer) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    folded integer;
    zeros tid[];
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('report_compact')) THEN RETURN 0; END IF;
    WITH taken AS (
        SELECT ctid AS row_id FROM report_cells WHERE shard > 0
        ORDER BY measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority, owner_office,
                 ioa_category, visitor_type, days, shard
        LIMIT batch FOR UPDATE SKIP LOCKED),
    gone AS (DELETE FROM report_cells r USING taken t WHERE r.ctid = t.row_id RETURNING r.*),
    put AS (
        INSERT INTO report_cells AS r (measure, period, office, kind, category, region, country_office, confinement, state, outcome,
                                       priority, owner_office, ioa_category, visitor_type, days, shard, n)
        SELECT measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority, owner_office,
               ioa_category, visitor_type, days, 0, sum(n)
        FROM gone GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 HAVING sum(n) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
        ON CONFLICT (measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority, owner_office,
                     ioa_category, visitor_type, days, shard)
        DO UPDATE SET n = r.n + excluded.n
        RETURNING r.ctid AS row_id, r.n)
    SELECT (SELECT count(*) FROM gone), (SELECT array_agg(row_id) FROM put WHERE n = 0) INTO folded, zeros;
    IF zeros IS NOT NULL THEN
        DELETE FROM report_cells WHERE ctid = ANY (zeros);
    END IF;
    RETURN folded;
END $$;
CREATE INDEX report_cells_written ON report_cells (shard) WHERE shard > 0;

-- Rebuilds the rollup from the raw rows (oversight report backfill): after a bulk load, or
-- a migration that changes what a cell counts.
CREATE FUNCTION report_backfill() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    written bigint;
BEGIN
    PERFORM set_config('oversight.system', 'reporting', true);
    LOCK TABLE report_cells IN EXCLUSIVE MODE;
    DELETE FROM report_cells;
    INSERT INTO report_cells (measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority,
                              owner_office, ioa_category, visitor_type, days, shard, n)
    SELECT measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority, owner_office,
           ioa_category, visitor_type, days, 0, n FROM report_cells_raw;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END $$;

-- Both are aggregates: the raw view is what the tests and the bench compare the rollup with.
GRANT SELECT ON report_cells, report_cells_raw TO oversight_service;
-- Rebuilding is the owner's (oversight report backfill), not the service's.
REVOKE EXECUTE ON FUNCTION report_backfill() FROM PUBLIC;
