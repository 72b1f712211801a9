-- The intake questionnaire's answers (issue 12), kept with the case they were given for: the
-- question as it was asked (Config/intake.yaml may change afterwards) and the answer as text.
-- Read like the parties and the history: by those who work the case, never by its subjects;
-- destroyed by a redacting close with the rest of what identifies.
CREATE TABLE case_answers (
    case_id uuid PRIMARY KEY REFERENCES cases (id),
    answers jsonb NOT NULL CHECK (jsonb_typeof(answers) = 'array')
);

ALTER TABLE case_answers ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_answers FORCE ROW LEVEL SECURITY;
CREATE POLICY case_answers_read ON case_answers FOR SELECT USING (oversight_case_level(case_id) >= 2);
CREATE POLICY case_answers_add ON case_answers FOR INSERT WITH CHECK (oversight_case_writable(case_id));
CREATE POLICY case_answers_redact ON case_answers FOR DELETE USING (oversight_case_level(case_id) >= 2);

GRANT SELECT, INSERT, DELETE ON case_answers TO oversight_service;
