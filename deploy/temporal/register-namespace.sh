#!/bin/sh
# One-shot (temporalio/admin-tools, or any machine with the `temporal` CLI): creates the
# conventions' namespace if absent, registers the search attributes listed in
# search-attributes.txt (domain/temporal-contract.ts), then checks each one's type. Safe to run
# again. The CLI also reads its usual variables for TLS or an API key (TEMPORAL_TLS_CLIENT_CERT_PATH,
# TEMPORAL_API_KEY, ...), so the same script serves an existing cluster.
set -eu

address=${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS requis (ex. temporal:7233)}
namespace=${TEMPORAL_NAMESPACE:?TEMPORAL_NAMESPACE requis}
retention=${TEMPORAL_NAMESPACE_RETENTION:-365d}
attributes=${ISCG_SEARCH_ATTRIBUTES_FILE:-$(dirname -- "$0")/search-attributes.txt}
attempts=${TEMPORAL_SETUP_ATTEMPTS:-60}
temporal=${TEMPORAL_CLI:-temporal}

retry() {
  n=1
  until "$@"; do
    if [ "$n" -ge "$attempts" ]; then
      echo "échec après $attempts essais: $*" >&2
      return 1
    fi
    n=$((n + 1))
    sleep 2
  done
}

retry "$temporal" operator cluster health --address "$address"

if "$temporal" operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; then
  echo "namespace $namespace: existe déjà"
else
  retry "$temporal" operator namespace create --address "$address" --namespace "$namespace" \
    --retention "$retention" --description "Conventions ISCG"
  echo "namespace $namespace: créé (rétention des conventions closes: $retention)"
fi

set --
while read -r name type; do
  case "$name" in '' | '#'*) continue ;; esac
  set -- "$@" --name "$name" --type "$type"
done <"$attributes"

# A namespace just created may take a few seconds to be known by every service.
retry "$temporal" operator search-attribute create --address "$address" --namespace "$namespace" "$@"

listing=$("$temporal" operator search-attribute list --address "$address" --namespace "$namespace")
status=0
while read -r name type; do
  case "$name" in '' | '#'*) continue ;; esac
  if printf '%s\n' "$listing" | grep -Eq "^[[:space:]]*${name}[[:space:]]+${type}[[:space:]]*\$"; then
    echo "attribut $name ($type): présent"
  else
    echo "attribut $name: absent ou d'un autre type que $type" >&2
    status=1
  fi
done <"$attributes"
exit "$status"
