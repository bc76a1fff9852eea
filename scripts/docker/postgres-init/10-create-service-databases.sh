#!/usr/bin/env bash
# Runs once, when the postgres container initialises an empty data volume (docker-entrypoint-initdb.d).
# Each service gets its own database, owned by its own login role, and no other role may connect to it:
# a compromised service cannot read another service's records.
#
# Environment: MAPPA_DATABASES (space-separated names, e.g. "riskassessment caseconference scheduling"),
# MAPPA_SERVICE_DB_PASSWORD (the services' password), POSTGRES_USER (the superuser that runs this).
# psql honours PGHOST/PGPORT/PGPASSWORD, so the same script can be tried against any server.
set -euo pipefail

: "${MAPPA_DATABASES:?set MAPPA_DATABASES to the service database names}"
: "${MAPPA_SERVICE_DB_PASSWORD:?set MAPPA_SERVICE_DB_PASSWORD}"

for database in $MAPPA_DATABASES; do
    if [[ ! $database =~ ^[a-z][a-z0-9_]{0,62}$ ]]; then
        echo "refusing database name '$database': use lower-case letters, digits and _" >&2
        exit 1
    fi
    echo "creating database and role $database"
    # psql variables (:"name", :'literal') quote the identifier and the password safely.
    psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
        -v name="$database" -v password="$MAPPA_SERVICE_DB_PASSWORD" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
done
