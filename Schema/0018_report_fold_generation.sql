-- Which fold the rollup's folded cells are at, and what each of the last minute's folds
-- added (issue 11). report_cells changes only when a fold or a backfill commits. Each fold
-- counts itself in report_fold_generation and logs the netted cells it added, in the same
-- transaction; a backfill starts a new epoch. A reader that read a query's folded cells at an
-- earlier fold of the same epoch adds the logged cells of the folds since, and the changes
-- not folded yet, all from one snapshot: a second's worth of rows, not the whole rollup again.
-- A random epoch, not a counter: a restored or rebuilt database never repeats one.
CREATE TABLE report_fold_generation (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    epoch uuid NOT NULL,
    fold bigint NOT NULL
);
INSERT INTO report_fold_generation (epoch, fold) VALUES (gen_random_uuid(), 0);

CREATE TABLE report_fold_deltas (
    fold bigint NOT NULL,
    folded_at timestamptz NOT NULL DEFAULT now(),
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
    n bigint NOT NULL
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_cost_delay = 0);
CREATE INDEX report_fold_deltas_by_fold ON report_fold_deltas (fold);

CREATE OR REPLACE FUNCTION report_fold(batch integer) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    this_fold bigint;
    folded integer;
    zeros tid[];
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('report_fold')) THEN RETURN 0; END IF;
    IF NOT EXISTS (SELECT 1 FROM report_cell_changes) THEN RETURN 0; END IF;
    UPDATE report_fold_generation SET fold = fold + 1 RETURNING fold INTO this_fold;
    WITH taken AS (
        DELETE FROM report_cell_changes WHERE ctid = ANY (ARRAY(SELECT ctid FROM report_cell_changes LIMIT batch)) RETURNING *),
    netted AS (
        SELECT measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority, owner_office,
               ioa_category, visitor_type, days, sum(n) AS n
        FROM taken GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 HAVING sum(n) <> 0),
    logged AS (
        INSERT INTO report_fold_deltas (fold, measure, period, office, kind, category, region, country_office, confinement, state, outcome,
                                        priority, owner_office, ioa_category, visitor_type, days, n)
        SELECT this_fold, * FROM netted),
    put AS (
        INSERT INTO report_cells AS r (measure, period, office, kind, category, region, country_office, confinement, state, outcome,
                                       priority, owner_office, ioa_category, visitor_type, days, n)
        SELECT * FROM netted
        ON CONFLICT (measure, period, office, kind, category, region, country_office, confinement, state, outcome, priority, owner_office,
                     ioa_category, visitor_type, days)
        DO UPDATE SET n = r.n + excluded.n
        RETURNING r.ctid AS row_id, r.n)
    SELECT (SELECT count(*) FROM taken), (SELECT array_agg(row_id) FROM put WHERE n = 0) INTO folded, zeros;
    IF zeros IS NOT NULL THEN
        DELETE FROM report_cells WHERE ctid = ANY (zeros);
    END IF;
    DELETE FROM report_fold_deltas WHERE folded_at < now() - interval '1 minute';
    RETURN folded;
END $$;

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
    UPDATE report_fold_generation SET epoch = gen_random_uuid(), fold = 0;
    DELETE FROM report_fold_deltas;
    RETURN written;
END $$;

GRANT SELECT ON report_fold_generation, report_fold_deltas TO oversight_service;
