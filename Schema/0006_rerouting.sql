-- Conflict routing applies when a subject is named after filing, as at filing: the case may
-- move to the alternate, be sealed from an office, or be restricted to the head. The
-- application login may change those columns (each change is an event with its facts, which
-- verify-audit replays), but a seal or a head-only restriction is never lifted by an UPDATE.
GRANT UPDATE (office, sealed_from, restricted_to_head, conflict) ON cases TO oversight_service;

CREATE FUNCTION refuse_lifting_a_seal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (NEW.sealed_from @> OLD.sealed_from) OR (OLD.restricted_to_head AND NOT NEW.restricted_to_head) THEN
        RAISE EXCEPTION 'case %: a seal or a head-only restriction cannot be lifted', OLD.reference
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER cases_seals_only_grow BEFORE UPDATE OF sealed_from, restricted_to_head ON cases
    FOR EACH ROW EXECUTE FUNCTION refuse_lifting_a_seal();
