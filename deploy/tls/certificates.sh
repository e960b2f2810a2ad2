#!/bin/sh
# The private certificate authority of the Temporal frontend's mutual TLS, and the certificate of
# each part that talks to it (docs/production.md, "Mutual TLS"). Needs openssl. Usage:
#   certificates.sh init                  the CA if absent, then every certificate still missing
#   certificates.sh issue NAME...         (re)issues these certificates with the current CA
#   certificates.sh rotate-ca begin       a new CA beside the current one, both trusted
#   certificates.sh rotate-ca end         the new CA replaces the old one, which is no longer trusted
#   certificates.sh show                  subject, issuer and expiry of every file
# NAME: server (the Temporal server: frontend and its own services), worker, api, ui (the Web UI),
# setup (the namespace job), admin (an operator's temporal CLI).
# Environment: ISCG_TLS_DIR (default deploy/secrets/tls), ISCG_TLS_SERVER_NAMES (the server's
# names and addresses, comma-separated, default temporal,localhost,127.0.0.1; the first one is the
# name clients check), ISCG_TLS_DAYS (certificates, default 397), ISCG_TLS_CA_DAYS (default 3650).
set -eu

dir=${ISCG_TLS_DIR:-$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)/secrets/tls}
server_names=${ISCG_TLS_SERVER_NAMES:-temporal,localhost,127.0.0.1}
days=${ISCG_TLS_DAYS:-397}
ca_days=${ISCG_TLS_CA_DAYS:-3650}
clients='worker api ui setup admin'

command -v openssl >/dev/null 2>&1 || {
  echo "openssl introuvable: installez-le (paquet openssl)" >&2
  exit 69
}
mkdir -p "$dir"
chmod 0700 "$dir"
umask 077

new_key() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

# A CA in $1.pem / $1.key; its name says when it was made, so that two CAs are told apart.
new_ca() {
  new_key "$1.key"
  openssl req -new -x509 -sha256 -key "$1.key" -out "$1.pem" -days "$ca_days" \
    -subj "/O=ISCG conventions/CN=ISCG Temporal CA $(date -u +%Y-%m-%dT%H%M%SZ)" \
    -addext 'basicConstraints=critical,CA:TRUE,pathlen:0' \
    -addext 'keyUsage=critical,keyCertSign,cRLSign' \
    -addext 'subjectKeyIdentifier=hash'
}

# The CA that signs: the new one during a rotation.
signer() {
  if [ -f "$dir/ca-next.pem" ]; then echo "$dir/ca-next"; else echo "$dir/ca"; fi
}

san_of() {
  list=''
  old_ifs=$IFS
  IFS=,
  for name in $1; do
    case "$name" in
      *[!0-9.:a-fA-F]* | '') entry="DNS:$name" ;;
      *) entry="IP:$name" ;;
    esac
    list="${list:+$list,}$entry"
  done
  IFS=$old_ifs
  echo "$list"
}

issue() {
  name=$1
  case "$name" in
    server)
      cn=$(echo "$server_names" | cut -d, -f1)
      # The server also presents it as a client: between its own services, and to its frontend.
      extensions="extendedKeyUsage=serverAuth,clientAuth
subjectAltName=$(san_of "$server_names")"
      ;;
    worker | api | ui | setup | admin)
      cn="iscg-$name"
      extensions="extendedKeyUsage=clientAuth
subjectAltName=DNS:iscg-$name"
      ;;
    *)
      echo "certificat inconnu « $name »: server, $(echo "$clients" | tr ' ' ',')" >&2
      exit 64
      ;;
  esac
  ca=$(signer)
  [ -f "$ca.key" ] || {
    echo "clé de l'autorité absente ($ca.key): lancez d'abord « init »" >&2
    exit 66
  }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  new_key "$work/key"
  openssl req -new -sha256 -key "$work/key" -out "$work/csr" -subj "/O=ISCG conventions/CN=$cn"
  printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
    'authorityKeyIdentifier=keyid' "$extensions" >"$work/ext"
  openssl x509 -req -sha256 -in "$work/csr" -CA "$ca.pem" -CAkey "$ca.key" -CAcreateserial \
    -CAserial "$work/serial" -days "$days" -extfile "$work/ext" -out "$work/pem" 2>/dev/null
  # Replaced whole, the key last: a reader never pairs a new certificate with an old key for long.
  mv "$work/pem" "$dir/$name.pem"
  mv "$work/key" "$dir/$name.key"
  rm -rf "$work"
  trap - EXIT
  echo "$name: $(openssl x509 -in "$dir/$name.pem" -noout -subject -enddate | tr '\n' ' ')"
}

# What every side trusts: the current CA, and the next one during a rotation.
write_trust() {
  cat "$dir/ca.pem" >"$dir/trust.pem.tmp"
  if [ -f "$dir/ca-next.pem" ]; then cat "$dir/ca-next.pem" >>"$dir/trust.pem.tmp"; fi
  mv "$dir/trust.pem.tmp" "$dir/trust.pem"
}

# Containers run as other users than the one who issues: readable files, in a folder only the
# deploying account can enter (0700).
publish() {
  chmod 0444 "$dir"/*.pem
  for key in "$dir"/*.key; do
    case "$key" in */ca.key | */ca-next.key) chmod 0400 "$key" ;; *) chmod 0444 "$key" ;; esac
  done
}

action=${1:-}
[ $# -gt 0 ] && shift
case "$action" in
  init)
    if [ ! -f "$dir/ca.pem" ]; then
      new_ca "$dir/ca"
      echo "autorité créée: $dir/ca.pem (gardez ca.key hors de l'hôte une fois les certificats émis)"
    fi
    write_trust
    for name in server $clients; do
      [ -f "$dir/$name.pem" ] || issue "$name"
    done
    publish
    ;;
  issue)
    [ $# -gt 0 ] || {
      echo "issue: nommez au moins un certificat (server, $(echo "$clients" | tr ' ' ','))" >&2
      exit 64
    }
    for name in "$@"; do issue "$name"; done
    publish
    ;;
  rotate-ca)
    case "${1:-}" in
      begin)
        [ ! -f "$dir/ca-next.pem" ] || {
          echo "rotation déjà commencée ($dir/ca-next.pem)" >&2
          exit 65
        }
        new_ca "$dir/ca-next"
        write_trust
        publish
        echo "nouvelle autorité: ca-next.pem; trust.pem reconnaît les deux. Déployez trust.pem partout," \
          "puis « issue » chaque certificat, puis « rotate-ca end »."
        ;;
      end)
        [ -f "$dir/ca-next.pem" ] || {
          echo "aucune rotation en cours" >&2
          exit 65
        }
        stale=''
        for name in server $clients; do
          [ -f "$dir/$name.pem" ] || continue
          openssl verify -CAfile "$dir/ca-next.pem" "$dir/$name.pem" >/dev/null 2>&1 || stale="$stale $name"
        done
        [ -z "$stale" ] || {
          echo "encore signés par l'ancienne autorité:$stale; « issue$stale » d'abord" >&2
          exit 65
        }
        retired="$dir/retired"
        mkdir -p "$retired"
        stamp=$(date -u +%Y%m%dT%H%M%SZ)
        mv "$dir/ca.pem" "$retired/ca-$stamp.pem"
        rm -f "$dir/ca.key"
        mv "$dir/ca-next.pem" "$dir/ca.pem"
        mv "$dir/ca-next.key" "$dir/ca.key"
        write_trust
        publish
        echo "l'ancienne autorité n'est plus reconnue (copie du certificat: $retired/ca-$stamp.pem)"
        ;;
      *)
        echo "rotate-ca begin | rotate-ca end" >&2
        exit 64
        ;;
    esac
    ;;
  show)
    for file in "$dir"/*.pem; do
      printf '%s: ' "$(basename "$file")"
      openssl x509 -in "$file" -noout -subject -issuer -enddate | tr '\n' ' '
      echo
    done
    ;;
  *)
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 64
    ;;
esac
