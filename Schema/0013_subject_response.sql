-- The subject's right to respond (DOMAIN.md, investigation: due process). When the
-- investigation reaches its comment period (the workflow's `subject_responds_in`), each
-- subject gets a view of their own: the allegations summary the investigator wrote for them,
-- when they were told, until when they may answer, and whether they did. It is a row of its
-- own, never the case row: row security shows the subject their open view and nothing of the
-- case (its filer, title and narrative stay out of their reach whatever the code does).
CREATE TABLE subject_views (
    case_id uuid NOT NULL REFERENCES cases (id),
    subject_id text NOT NULL,
    reference text NOT NULL,
    allegations_summary text NOT NULL,
    notified_at timestamptz NOT NULL,
    respond_by timestamptz,
    responded_at timestamptz,
    open boolean NOT NULL DEFAULT true,
    PRIMARY KEY (case_id, subject_id)
);
CREATE INDEX subject_views_by_subject ON subject_views (subject_id, reference) WHERE open;

ALTER TABLE subject_views ENABLE ROW LEVEL SECURITY;
ALTER TABLE subject_views FORCE ROW LEVEL SECURITY;
CREATE POLICY subject_views_read ON subject_views FOR SELECT USING (
    (open AND subject_id = oversight_actor()) OR oversight_case_level(case_id) >= 2);
-- Written by the investigator's transition (opened, closed), and by the subject's answer.
CREATE POLICY subject_views_open ON subject_views FOR INSERT WITH CHECK (oversight_case_level(case_id) >= 2);
CREATE POLICY subject_views_change ON subject_views FOR UPDATE USING (
    (open AND subject_id = oversight_actor()) OR oversight_case_level(case_id) >= 2) WITH CHECK (true);

GRANT SELECT, INSERT ON subject_views TO oversight_service;
GRANT UPDATE (allegations_summary, notified_at, respond_by, responded_at, open) ON subject_views TO oversight_service;
