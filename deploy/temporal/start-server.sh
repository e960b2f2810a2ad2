#!/bin/sh
# The Temporal server's entry: reads the database password from its Docker secret (the image only
# takes it from POSTGRES_PWD), then hands over to the image's own entry point
# (TEMPORAL_SERVER_ENTRYPOINT names it elsewhere than in the image, e.g. on a host without Docker).
set -eu
if [ -n "${POSTGRES_PWD_FILE:-}" ]; then
  POSTGRES_PWD=$(cat "$POSTGRES_PWD_FILE")
  export POSTGRES_PWD
fi
exec "${TEMPORAL_SERVER_ENTRYPOINT:-/etc/temporal/entrypoint.sh}" "$@"
