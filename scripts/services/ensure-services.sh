#!/usr/bin/env bash
# Makes sure the services the integration and end-to-end tests talk to are up on this machine:
# PostgreSQL (127.0.0.1:5432), Redis (127.0.0.1:6379) and an S3 server (Ceph RADOS Gateway on
# 127.0.0.1:7480). Starts what is down and installs what is missing (Debian packages), so that a fresh
# machine and CI need nothing else. Idempotent: services already running are left alone.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
log() { echo "[services] $*" >&2; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return; fi
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    log "installing PostgreSQL"
    apt_install postgresql
    # Trust auth on loopback, as on the development machines (tests run as the postgres role).
    hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -1)
    sed -i -E 's/^(local|host)(\s+all\s+all\s+.*)\s(peer|scram-sha-256|md5)$/\1\2 trust/' "$hba"
    sed -i -E 's/^(local\s+all\s+postgres\s+)peer$/\1trust/' "$hba"
  fi
  log "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && return; sleep 0.5; done
  log "PostgreSQL did not come up"; exit 1
}

ensure_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return; fi
  command -v redis-server >/dev/null || { log "installing Redis"; apt_install redis-server redis-tools; }
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 40); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return; sleep 0.25; done
  log "Redis did not come up"; exit 1
}

ensure_s3() {
  if curl -sf -o /dev/null "http://127.0.0.1:${RGW_PORT:-7480}/"; then return; fi
  command -v curl >/dev/null || apt_install curl
  log "starting Ceph RADOS Gateway (S3)"
  "$here/start-ceph-rgw.sh"
}

ensure_postgres
ensure_redis
ensure_s3
log "PostgreSQL, Redis and S3 are up"
