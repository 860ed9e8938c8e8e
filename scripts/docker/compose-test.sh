#!/usr/bin/env bash
# `npm run test:compose` (and CI): the Docker path end to end, on this machine. Makes sure a Docker
# engine and Compose exist (Debian's docker.io and docker-compose 1.29, installed when missing),
# starts dockerd when none runs (and stops only that one at the end), makes the base images
# available (pulled, or built as labelled stand-ins where no registry is reachable:
# scripts/docker/standins/build-standins.sh), then runs test/deploy/compose.compose-spec.ts, which
# builds the Dockerfile, brings docker-compose.yml up and checks it from the host.
#   --prepare   only the engine, the base images and the app images (mostly downloads and a
#               compile: .ci/run does it while npm test runs), then stop the dockerd it started; the
#               spec's own `docker-compose build` then finds every layer in the build cache.
set -euo pipefail
prepare_only=0
[ "${1:-}" = --prepare ] && prepare_only=1
cd "$(dirname "$0")/../.."
log() { echo "[compose-test +${SECONDS}s] $*" >&2; }

need=()
command -v docker >/dev/null 2>&1 && command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    log "missing ${need[*]} and cannot install them here (needs root and apt-get)"; exit 1
  fi
  log "installing ${need[*]} (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

dockerd_pid=
dockerd_log=$(mktemp)
stop_dockerd() {
  if [ -n "$dockerd_pid" ]; then
    log "stopping the dockerd this run started (pid $dockerd_pid)"
    kill "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$dockerd_log"
}
trap stop_dockerd EXIT
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  dockerd >"$dockerd_log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { log "dockerd did not start:"; tail -20 "$dockerd_log" >&2; exit 1; }
fi

log "base images"
bash scripts/docker/standins/build-standins.sh
if [ "$prepare_only" = 1 ]; then
  log "app images (docker-compose build)"
  # The classic builder, as in the spec: BuildKit would fetch its frontend from a registry.
  DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0 docker-compose -f docker-compose.yml build -q
  log "prepared"
  exit 0
fi
# The spec compares the stack's CSV with report:csv on the host, which needs dist/.
bash scripts/build/ensure-build.sh
log "compose spec"
npx jest --selectProjects compose --runInBand
log "passed"
