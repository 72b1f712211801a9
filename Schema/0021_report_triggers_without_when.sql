-- Transitions pay less for the report rollups (issue 11: transition throughput must stay
-- within noise of what it was before them). Measured in one session looping 4,000
-- lock-append-update transitions on the bench database (1.45 million cases): 170 µs a
-- transition with no report trigger, about 400 with 0019's, about 290 with these. Three costs
-- went:
-- 1. A trigger's WHEN clause is read back from its stored text and compiled again by every
--    statement that fires it, and a transition's UPDATE of one case pays that whole: 50-70 µs
--    for the case trigger's seventeen comparisons. The comparisons now run in the function,
--    whose compiled form is kept for the session.
-- 2. Row security on case_events asked oversight_case_level (a lookup of the case) for every
--    event that the transition trigger's "when did this stage begin" query passed over. A
--    system scope sees every case anyway (oversight_case_view answers 3 for it first), so it
--    is asked first now, and the lookup is left to people.
-- 3. The open and due cells of the row before and after go in one statement, not two calls
--    of report_emit_cells with two statements each.

ALTER POLICY case_events_read ON case_events USING (oversight_system() <> '' OR oversight_case_level(case_id) >= 2);

-- The received, closed and reached cells of one case row, each signed: as 0019's, less the
-- open and due cells, which the case trigger writes for both rows at once.
DROP FUNCTION report_emit_cells(integer, text, text, text, text, text, text, text, text, timestamptz, timestamptz, text, text, timestamptz,
                                text, text, jsonb, boolean, boolean, boolean);
CREATE FUNCTION report_emit_cells(
    sign integer, office text, kind text, category text, region text, country_office text, confinement text, priority text,
    owner_office text, opened_at timestamptz, closed_at timestamptz, outcome text, ioa text, visitor text, visited jsonb,
    received_cells boolean, closed_cells boolean
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
END $$;
REVOKE EXECUTE ON FUNCTION report_emit_cells(integer, text, text, text, text, text, text, text, text, timestamptz, timestamptz, text, text,
                                             text, jsonb, boolean, boolean) FROM PUBLIC;

CREATE OR REPLACE FUNCTION report_follow_case() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    received_cells boolean := true;
    closed_cells boolean := true;
    reached_cells boolean := true;
    open_cells boolean := true;
    old_confinement text;
    new_confinement text;
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
        -- An assignment, a note, a reporter's message: nothing counted changed.
        IF NOT (closed_cells OR reached_cells OR open_cells) THEN RETURN NULL; END IF;
    END IF;
    IF TG_OP <> 'INSERT' THEN old_confinement := report_confinement(OLD.sealed_from, OLD.restricted_to_head); END IF;
    IF TG_OP <> 'DELETE' THEN new_confinement := report_confinement(NEW.sealed_from, NEW.restricted_to_head); END IF;
    -- The open cells (by opening) and due cells (by the earliest deadline) of an open case,
    -- the row before taken out and the row after put in: what a transition changes.
    IF open_cells THEN
        INSERT INTO report_cell_changes
        SELECT x.measure, x.period, x.office, x.kind, '', '', '', x.confinement, x.state, '', x.priority, coalesce(x.owner_office, ''), '',
               '', 0, x.n
        FROM (VALUES
            ('open_day', (OLD.opened_at AT TIME ZONE 'UTC')::date, OLD.office, OLD.kind, old_confinement, OLD.state, OLD.priority,
             OLD.owner_office, -1, TG_OP <> 'INSERT' AND OLD.closed_at IS NULL),
            ('open_month', report_month(OLD.opened_at), OLD.office, OLD.kind, old_confinement, OLD.state, OLD.priority,
             OLD.owner_office, -1, TG_OP <> 'INSERT' AND OLD.closed_at IS NULL),
            ('due_day', (OLD.due_at AT TIME ZONE 'UTC')::date, OLD.office, OLD.kind, old_confinement, OLD.state, OLD.priority,
             OLD.owner_office, -1, TG_OP <> 'INSERT' AND OLD.closed_at IS NULL AND OLD.due_at < 'infinity'),
            ('due_month', report_month(OLD.due_at), OLD.office, OLD.kind, old_confinement, OLD.state, OLD.priority,
             OLD.owner_office, -1, TG_OP <> 'INSERT' AND OLD.closed_at IS NULL AND OLD.due_at < 'infinity'),
            ('open_day', (NEW.opened_at AT TIME ZONE 'UTC')::date, NEW.office, NEW.kind, new_confinement, NEW.state, NEW.priority,
             NEW.owner_office, 1, TG_OP <> 'DELETE' AND NEW.closed_at IS NULL),
            ('open_month', report_month(NEW.opened_at), NEW.office, NEW.kind, new_confinement, NEW.state, NEW.priority,
             NEW.owner_office, 1, TG_OP <> 'DELETE' AND NEW.closed_at IS NULL),
            ('due_day', (NEW.due_at AT TIME ZONE 'UTC')::date, NEW.office, NEW.kind, new_confinement, NEW.state, NEW.priority,
             NEW.owner_office, 1, TG_OP <> 'DELETE' AND NEW.closed_at IS NULL AND NEW.due_at < 'infinity'),
            ('due_month', report_month(NEW.due_at), NEW.office, NEW.kind, new_confinement, NEW.state, NEW.priority,
             NEW.owner_office, 1, TG_OP <> 'DELETE' AND NEW.closed_at IS NULL AND NEW.due_at < 'infinity')
        ) AS x (measure, period, office, kind, confinement, state, priority, owner_office, n, counted)
        WHERE x.counted;
    END IF;
    -- The columns one by one, as report_case_cells reads them (a row passed whole would be
    -- copied with its narrative and snapshot fetched from TOAST).
    IF TG_OP <> 'INSERT' AND (closed_cells OR reached_cells) THEN
        PERFORM report_emit_cells(
            -1, OLD.office, OLD.kind, OLD.category, coalesce(OLD.region, ''),
            CASE WHEN OLD.kind = 'ombuds_case' THEN '' ELSE coalesce(OLD.country_office, '') END,
            old_confinement, OLD.priority, coalesce(OLD.owner_office, ''), OLD.opened_at, OLD.closed_at, coalesce(OLD.outcome, ''),
            CASE WHEN OLD.kind = 'ombuds_case' THEN coalesce(OLD.snapshot #>> '{fields,ioa_category,value}', '') ELSE '' END,
            CASE WHEN OLD.kind = 'ombuds_case' THEN coalesce(OLD.snapshot #>> '{fields,visitor_type,value}', '') ELSE '' END,
            CASE WHEN reached_cells AND OLD.kind IN ('retaliation_review', 'investigation', 'evaluation') THEN OLD.snapshot -> 'visited_states' END,
            received_cells, closed_cells);
    END IF;
    IF TG_OP <> 'DELETE' AND (closed_cells OR reached_cells) THEN
        PERFORM report_emit_cells(
            1, NEW.office, NEW.kind, NEW.category, coalesce(NEW.region, ''),
            CASE WHEN NEW.kind = 'ombuds_case' THEN '' ELSE coalesce(NEW.country_office, '') END,
            new_confinement, NEW.priority, coalesce(NEW.owner_office, ''), NEW.opened_at, NEW.closed_at, coalesce(NEW.outcome, ''),
            CASE WHEN NEW.kind = 'ombuds_case' THEN coalesce(NEW.snapshot #>> '{fields,ioa_category,value}', '') ELSE '' END,
            CASE WHEN NEW.kind = 'ombuds_case' THEN coalesce(NEW.snapshot #>> '{fields,visitor_type,value}', '') ELSE '' END,
            CASE WHEN reached_cells AND NEW.kind IN ('retaliation_review', 'investigation', 'evaluation') THEN NEW.snapshot -> 'visited_states' END,
            received_cells, closed_cells);
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

DROP TRIGGER cases_report_cells_change ON cases;
CREATE TRIGGER cases_report_cells_change AFTER UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION report_follow_case();

CREATE OR REPLACE FUNCTION report_follow_transition() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    scope text;
BEGIN
    -- A reopening ends no stage that the timeliness report counts.
    IF NEW.kind <> 'transition' OR NEW.data ->> 'reopened' IS NOT DISTINCT FROM 'true' OR report_rollups_deferred() THEN
        RETURN NULL;
    END IF;
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
CREATE TRIGGER case_events_report_cells AFTER INSERT ON case_events FOR EACH ROW EXECUTE FUNCTION report_follow_transition();
