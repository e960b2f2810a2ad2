#!/bin/sh
# The container's entry point. Long-running roles come from ISCG_ROLE (the healthcheck reads the
# same variable); a one-off command is given as arguments:
#   (no argument)     the role in ISCG_ROLE: `worker` (any number of replicas) or `api`
#   worker | api      that role (keep ISCG_ROLE equal, the healthcheck follows it)
#   iscg ARGS...      the operator CLI, e.g. `iscg keys generate --id ops --operator`
#   setup-database NAME
#                     one-shot: creates and migrates one of the service's databases (mail-journal)
#   replay [--all]    replays the conventions' histories through this image's workflow code
#                     (before deploying it); exit 1 if one would break
#   healthcheck       the probe the image's HEALTHCHECK runs
set -eu

app_dir=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
role=${ISCG_ROLE:-api}
if [ $# -gt 0 ]; then
  if [ "$1" != "$role" ] && { [ "$1" = worker ] || [ "$1" = api ]; }; then
    echo "attention: rôle $1 demandé mais ISCG_ROLE=$role; le healthcheck suit ISCG_ROLE" >&2
  fi
  role=$1
  shift
fi

case "$role" in
  worker) exec node "$app_dir/dist/worker/main.js" "$@" ;;
  api) exec node "$app_dir/dist/client/api/main.js" "$@" ;;
  iscg) exec node "$app_dir/dist/client/cli/main.js" "$@" ;;
  setup-database) exec node "$app_dir/dist/scripts/setup-database.js" "$@" ;;
  replay) exec node "$app_dir/dist/worker/replay.js" "$@" ;;
  healthcheck) exec node "$app_dir/dist/config/healthcheck.js" ;;
  *)
    echo "rôle inconnu « $role »: worker, api, iscg, setup-database, replay ou healthcheck (ISCG_ROLE ou premier argument)" >&2
    exit 64
    ;;
esac
