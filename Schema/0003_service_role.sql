-- The service's own role. Migrations run as the owner of the tables; the service switches
-- to oversight_service, which owns nothing, cannot bypass row security, and may only read
-- and append the history. Roles are cluster-wide: another database of the same cluster may
-- have created it already, or this login may not be allowed to create roles (then a
-- superuser creates it, and the service runs as the owner with a warning).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oversight_service') THEN
        BEGIN
            CREATE ROLE oversight_service NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN NULL;
            WHEN insufficient_privilege THEN
                RAISE WARNING 'cannot create role oversight_service: %', SQLERRM;
        END;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oversight_service') THEN
        EXECUTE 'GRANT USAGE ON SCHEMA public TO oversight_service';
        EXECUTE 'GRANT SELECT ON schema_migrations, offices TO oversight_service';
        EXECUTE 'GRANT SELECT, INSERT ON workflow_versions, case_links, escalations, case_events TO oversight_service';
        EXECUTE 'GRANT SELECT, INSERT, UPDATE ON cases, case_counters, staff_directory, outbox, idempotency_keys TO oversight_service';
        EXECUTE 'GRANT SELECT, INSERT, DELETE ON case_parties, comments TO oversight_service';
        EXECUTE 'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO oversight_service';
    END IF;
END
$$;
