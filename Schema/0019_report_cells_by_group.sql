-- The report triggers without a planner in the way (issue 11). A trigger's statements are
-- planned once and kept only while the generic plan looks as cheap as a custom one; the case
-- trigger's union of every cell of both rows never did, and was planned again on every
-- change, as was report_confinement (a SQL function with a subquery is not inlined: its query
-- is planned once per calling statement). Together 2.5 ms of a transition. Now the case
-- trigger compares the old and new rows group by group of cells and writes only the groups
-- whose inputs changed (a transition its open and due cells, a closing its closed ones), with
-- small statements whose generic plans are kept. report_case_cells stays the definition the
-- raw recomputation uses, so the randomized test compares two implementations of one thing.

CREATE OR REPLACE FUNCTION report_confinement(sealed_from text[], restricted_to_head boolean) RETURNS text
    LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF cardinality(sealed_from) = 0 THEN
        RETURN CASE WHEN restricted_to_head THEN 'restricted' ELSE '' END;
    END IF;
    RETURN concat_ws(';', CASE WHEN restricted_to_head THEN 'restricted' END,
                     'sealed:' || array_to_string(ARRAY(SELECT unnest(sealed_from) ORDER BY 1), ','));
END $$;

-- The cells of one case row in the groups asked for, each signed: the rows report_case_cells
-- gives, group by group. It takes the columns it counts, not the row: a row passed whole is
-- copied with its narrative and snapshot fetched from TOAST.
CREATE FUNCTION report_emit_cells(
    sign integer, office text, kind text, category text, region text, country_office text, confinement text, priority text,
    owner_office text, opened_at timestamptz, closed_at timestamptz, outcome text, state text, due_at timestamptz, ioa text,
    visitor text, visited jsonb, received_cells boolean, closed_cells boolean, open_cells boolean
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    days integer;
BEGIN
    IF received_cells THEN
        INSERT INTO report_cell_changes VALUES
            ('received', report_month(opened_at), office, kind, category, region, country_office, confinement, '', '', priority,
             owner_office, ioa, visitor, 0, sign),
            ('received_year', report_year(opened_at), office, kind, category, region, country_office, confinement, '', '', priority,
             owner_office, ioa, visitor, 0, sign);
    END IF;
    IF closed_cells AND closed_at IS NOT NULL THEN
        days := floor(extract(epoch FROM closed_at - opened_at) / 86400)::integer;
        INSERT INTO report_cell_changes VALUES
            ('closed', report_month(closed_at), office, kind, category, region, country_office, confinement, '', outcome, priority,
             owner_office, ioa, visitor, 0, sign),
            ('closed_year', report_year(closed_at), office, kind, category, region, country_office, confinement, '', outcome, priority,
             owner_office, ioa, visitor, 0, sign),
            ('close_days', report_month(closed_at), office, kind, '', '', '', confinement, '', outcome, priority, owner_office, '', '', days,
             sign),
            ('close_days_year', report_year(closed_at), office, kind, '', '', '', confinement, '', outcome, priority, owner_office, '', '',
             days, sign);
    END IF;
    IF visited IS NOT NULL THEN
        INSERT INTO report_cell_changes
        SELECT 'reached', report_month(opened_at), office, kind, category, region, country_office, confinement, v.state, '', priority,
               owner_office, '', '', 0, sign
        FROM jsonb_array_elements_text(visited) AS v (state) WHERE report_is_milestone(kind, v.state);
    END IF;
    IF open_cells AND closed_at IS NULL THEN
        INSERT INTO report_cell_changes VALUES
            ('open_day', (opened_at AT TIME ZONE 'UTC')::date, office, kind, '', '', '', confinement, state, '', priority, owner_office, '',
             '', 0, sign),
            ('open_month', report_month(opened_at), office, kind, '', '', '', confinement, state, '', priority, owner_office, '', '', 0,
             sign);
        IF due_at < 'infinity' THEN
            INSERT INTO report_cell_changes VALUES
                ('due_day', (due_at AT TIME ZONE 'UTC')::date, office, kind, '', '', '', confinement, state, '', priority, owner_office,
                 '', '', 0, sign),
                ('due_month', report_month(due_at), office, kind, '', '', '', confinement, state, '', priority, owner_office, '', '', 0,
                 sign);
        END IF;
    END IF;
END $$;

CREATE OR REPLACE FUNCTION report_follow_case() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    received_cells boolean := true;
    closed_cells boolean := true;
    reached_cells boolean := true;
    open_cells boolean := true;
    scope text;
BEGIN
    IF report_rollups_deferred() THEN RETURN NULL; END IF;
    IF TG_OP = 'UPDATE' THEN
        -- Each group of cells is written again only when something it counts by changed.
        received_cells := (OLD.office, OLD.kind, OLD.category, OLD.region, OLD.country_office, OLD.sealed_from, OLD.restricted_to_head,
                           OLD.priority, OLD.owner_office, OLD.opened_at)
                          IS DISTINCT FROM (NEW.office, NEW.kind, NEW.category, NEW.region, NEW.country_office, NEW.sealed_from,
                                            NEW.restricted_to_head, NEW.priority, NEW.owner_office, NEW.opened_at)
                          OR ((OLD.kind = 'ombuds_case' OR NEW.kind = 'ombuds_case')
                              AND (OLD.snapshot #> '{fields,ioa_category}', OLD.snapshot #> '{fields,visitor_type}')
                                  IS DISTINCT FROM (NEW.snapshot #> '{fields,ioa_category}', NEW.snapshot #> '{fields,visitor_type}'));
        closed_cells := received_cells OR (OLD.outcome, OLD.closed_at) IS DISTINCT FROM (NEW.outcome, NEW.closed_at);
        reached_cells := received_cells OR OLD.snapshot -> 'visited_states' IS DISTINCT FROM NEW.snapshot -> 'visited_states';
        open_cells := (OLD.office, OLD.kind, OLD.sealed_from, OLD.restricted_to_head, OLD.priority, OLD.owner_office, OLD.opened_at,
                       OLD.closed_at, OLD.state, OLD.due_at)
                      IS DISTINCT FROM (NEW.office, NEW.kind, NEW.sealed_from, NEW.restricted_to_head, NEW.priority, NEW.owner_office,
                                        NEW.opened_at, NEW.closed_at, NEW.state, NEW.due_at);
    END IF;
    -- The columns one by one, as report_case_cells reads them (a row passed whole would be
    -- copied with its narrative and snapshot fetched from TOAST).
    IF TG_OP <> 'INSERT' THEN
        PERFORM report_emit_cells(
            -1, OLD.office, OLD.kind, OLD.category, coalesce(OLD.region, ''),
            CASE WHEN OLD.kind = 'ombuds_case' THEN '' ELSE coalesce(OLD.country_office, '') END,
            report_confinement(OLD.sealed_from, OLD.restricted_to_head), OLD.priority, coalesce(OLD.owner_office, ''), OLD.opened_at,
            OLD.closed_at, coalesce(OLD.outcome, ''), OLD.state, OLD.due_at,
            CASE WHEN OLD.kind = 'ombuds_case' THEN coalesce(OLD.snapshot #>> '{fields,ioa_category,value}', '') ELSE '' END,
            CASE WHEN OLD.kind = 'ombuds_case' THEN coalesce(OLD.snapshot #>> '{fields,visitor_type,value}', '') ELSE '' END,
            CASE WHEN reached_cells AND OLD.kind IN ('retaliation_review', 'investigation', 'evaluation') THEN OLD.snapshot -> 'visited_states' END,
            received_cells, closed_cells, open_cells);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM report_emit_cells(
            1, NEW.office, NEW.kind, NEW.category, coalesce(NEW.region, ''),
            CASE WHEN NEW.kind = 'ombuds_case' THEN '' ELSE coalesce(NEW.country_office, '') END,
            report_confinement(NEW.sealed_from, NEW.restricted_to_head), NEW.priority, coalesce(NEW.owner_office, ''), NEW.opened_at,
            NEW.closed_at, coalesce(NEW.outcome, ''), NEW.state, NEW.due_at,
            CASE WHEN NEW.kind = 'ombuds_case' THEN coalesce(NEW.snapshot #>> '{fields,ioa_category,value}', '') ELSE '' END,
            CASE WHEN NEW.kind = 'ombuds_case' THEN coalesce(NEW.snapshot #>> '{fields,visitor_type,value}', '') ELSE '' END,
            CASE WHEN reached_cells AND NEW.kind IN ('retaliation_review', 'investigation', 'evaluation') THEN NEW.snapshot -> 'visited_states' END,
            received_cells, closed_cells, open_cells);
    END IF;
    -- A case that moves office or confinement takes its past stages with it: the only path
    -- that reads the history.
    IF TG_OP = 'UPDATE' AND (OLD.office, OLD.kind, OLD.sealed_from, OLD.restricted_to_head)
                            IS DISTINCT FROM (NEW.office, NEW.kind, NEW.sealed_from, NEW.restricted_to_head) THEN
        scope := coalesce(current_setting('oversight.system', true), '');
        PERFORM set_config('oversight.system', 'reporting', true);
        INSERT INTO report_cell_changes
        SELECT x.*, 1 FROM report_stage_cells(NEW) x UNION ALL SELECT x.*, -1 FROM report_stage_cells(OLD) x;
        PERFORM set_config('oversight.system', scope, true);
    END IF;
    RETURN NULL;
END $$;

ALTER FUNCTION report_follow_transition() SET plan_cache_mode = force_generic_plan;
-- Called from the case trigger, as the schema owner; nobody else writes cells.
REVOKE EXECUTE ON FUNCTION report_emit_cells(integer, text, text, text, text, text, text, text, text, timestamptz, timestamptz, text, text,
                                             timestamptz, text, text, jsonb, boolean, boolean, boolean) FROM PUBLIC;
