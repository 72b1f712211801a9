-- Legal holds (issue 13): a case under one keeps its content past its retention period
-- (Config/retention.yaml) until the hold is lifted. Set and lifted by the head of the case's
-- office (the service checks the role), each recorded in the case's history.
CREATE TABLE legal_holds (
    case_id uuid PRIMARY KEY REFERENCES cases (id),
    reason text NOT NULL CHECK (reason <> ''),
    set_at timestamptz NOT NULL
);

ALTER TABLE legal_holds ENABLE ROW LEVEL SECURITY;
ALTER TABLE legal_holds FORCE ROW LEVEL SECURITY;
CREATE POLICY legal_holds_read ON legal_holds FOR SELECT USING (oversight_case_level(case_id) >= 2);
CREATE POLICY legal_holds_set ON legal_holds FOR INSERT WITH CHECK (oversight_case_level(case_id) >= 2);
CREATE POLICY legal_holds_lift ON legal_holds FOR DELETE USING (oversight_case_level(case_id) >= 2);

GRANT SELECT, INSERT, DELETE ON legal_holds TO oversight_service;
