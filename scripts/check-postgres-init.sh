#!/usr/bin/env bash
# Tries the compose init script (scripts/docker/postgres-init) against the test PostgreSQL: each service's
# role reaches its own database and is refused another's. Needs MAPPA_TEST_POSTGRES (see scripts/postgres.sh).
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
MAPPA_LOG_TAG=postgres-init
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${MAPPA_TEST_POSTGRES:?MAPPA_TEST_POSTGRES is not set: run ./test.sh, or eval \"\$(scripts/postgres.sh start)\"}"

# Host=...;Port=...;Username=...;Password=... into libpq's variables.
connection_value() { tr ';' '\n' <<<"$MAPPA_TEST_POSTGRES" | sed -n "s/^$1=//Ip" | head -n 1; }
export PGHOST PGPORT PGPASSWORD
PGHOST=$(connection_value Host) PGPORT=$(connection_value Port) PGPASSWORD=$(connection_value Password)
superuser=$(connection_value Username)

first="compose_check_${$}_a" second="compose_check_${$}_b" service_password="check-$RANDOM-$RANDOM"
drop_all() {
    for name in "$first" "$second"; do
        psql -q -U "$superuser" -d postgres -c "DROP DATABASE IF EXISTS $name" -c "DROP ROLE IF EXISTS $name" >/dev/null 2>&1 || true
    done
}
trap drop_all EXIT

MAPPA_DATABASES="$first $second" MAPPA_SERVICE_DB_PASSWORD="$service_password" POSTGRES_USER="$superuser" \
    "$repo_root/scripts/docker/postgres-init/10-create-service-databases.sh" >/dev/null

PGPASSWORD=$service_password psql -qAt -U "$first" -d "$first" -c "CREATE TABLE probe (id int); SELECT current_user" \
    | grep -qx "$first" || die "role $first cannot use its own database"
if PGPASSWORD=$service_password psql -qAt -U "$first" -d "$second" -c "SELECT 1" >/dev/null 2>&1; then
    die "role $first could connect to $second's database"
fi
log "passed: one database and role per service, isolated from each other"
