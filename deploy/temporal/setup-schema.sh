#!/bin/sh
# One-shot (temporalio/admin-tools): creates the Temporal databases if absent and brings their
# schema to the version of this image, with Temporal's own tool, temporal-sql-tool. Safe to run
# again: an up-to-date database is left as it is; after an image upgrade, only the new schema
# versions are applied (run it before starting the upgraded server).
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS (hôte PostgreSQL) requis}"
: "${POSTGRES_USER:?POSTGRES_USER requis}"
if [ -n "${POSTGRES_PWD_FILE:-}" ]; then
  SQL_PASSWORD=$(cat "$POSTGRES_PWD_FILE")
  export SQL_PASSWORD
fi
port=${DB_PORT:-5432}
schema_dir=${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}

migrate() {
  database=$1
  versions=$2
  echo "base $database: création si absente, puis schéma $versions"
  set -- --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" --db "$database"
  temporal-sql-tool "$@" create
  temporal-sql-tool "$@" setup-schema -v 0.0
  temporal-sql-tool "$@" update-schema -d "$schema_dir/$versions/versioned"
}

migrate "${DBNAME:-temporal}" temporal
migrate "${VISIBILITY_DBNAME:-temporal_visibility}" visibility
echo "schéma Temporal à jour"
