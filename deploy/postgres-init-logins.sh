#!/usr/bin/env bash
# Run once by the postgres image when its data folder is new (docker-entrypoint-initdb.d):
# makes the service's two logins (SECURITY.md, "Database roles") and hands the database to
# the owner. Passwords come from the environment; psql quotes them as literals.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_password="$OVERSIGHT_OWNER_PASSWORD" -v service_password="$OVERSIGHT_SERVICE_PASSWORD" <<'SQL'
CREATE ROLE oversight_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'owner_password';
CREATE ROLE oversight_service LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'service_password';
ALTER DATABASE oversight OWNER TO oversight_owner;
SQL
