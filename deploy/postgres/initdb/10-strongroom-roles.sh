#!/bin/sh
# Strongroom's application database role (PRODUCTION_DEPLOYMENT.md, "Database roles").
#
# The postgres image runs this once, when it initialises an empty data volume
# (/docker-entrypoint-initdb.d, executed or sourced), and scripts/services.sh runs it for its
# throw-away server. It connects as the owner (POSTGRES_USER, database POSTGRES_DB; libpq's PG*
# variables say where) and makes STRONGROOM_DB_APP_ROLE (default strongroom_app) a plain LOGIN
# role with password STRONGROOM_DB_APP_PASSWORD: no superuser, CREATEDB, CREATEROLE,
# REPLICATION or BYPASSRLS, owner of nothing, no CREATE on the schema. Run again, it resets the
# password and those attributes. Its privileges on the tables are granted by `manage.py migrate`
# (post_migrate, as the owner) after every migration, STRONGROOM_DB_APP_ROLE naming it there too.
#
# Written for both ways the image may run it: no `exit`, no `set -u`, nothing left behind.
: "${POSTGRES_USER:?POSTGRES_USER must name the database owner}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${STRONGROOM_DB_APP_PASSWORD:?STRONGROOM_DB_APP_PASSWORD must be set (the application role password)}"
STRONGROOM_DB_APP_ROLE="${STRONGROOM_DB_APP_ROLE:-strongroom_app}"
export STRONGROOM_DB_APP_ROLE STRONGROOM_DB_APP_PASSWORD

# The password reaches psql through its environment (\getenv), never its command line.
psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
\getenv app_user STRONGROOM_DB_APP_ROLE
\getenv app_password STRONGROOM_DB_APP_PASSWORD
SELECT :'app_user' = current_user AS app_is_owner \gset
\if :app_is_owner
  DO $$ BEGIN RAISE EXCEPTION 'STRONGROOM_DB_APP_ROLE must differ from POSTGRES_USER (the owner)'; END $$;
\endif
SELECT format('CREATE ROLE %I', :'app_user')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_user') \gexec
SELECT format(
  'ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
  :'app_user', :'app_password') \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), :'app_user') \gexec
-- PostgreSQL 15 no longer lets PUBLIC create in schema public; a cluster upgraded from an older
-- version may still. Nobody but the owner creates tables here.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SELECT format('GRANT USAGE ON SCHEMA public TO %I', :'app_user') \gexec
SQL
