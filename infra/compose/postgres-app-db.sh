#!/bin/sh
# Runs once, when the compose's PostgreSQL initialises an empty volume: the
# application gets its own user and database beside Temporal's, so neither can
# touch the other's tables. An existing volume is left alone (see README:
# create them by hand there with the same two statements).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v app_user="${APP_DB_USER:-app}" -v app_password="${APP_DB_PASSWORD:-app}" -v app_db="${APP_DB_NAME:-app}" <<'SQL'
CREATE USER :"app_user" WITH PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_user";
SQL
