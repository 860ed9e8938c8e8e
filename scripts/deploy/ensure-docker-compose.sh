#!/usr/bin/env bash
# Makes `docker-compose` available for the Compose file check (test/deploy/docker-compose.int-spec.ts).
# `docker-compose config` parses and validates the file without a Docker engine, so Debian's
# package is enough, installed without recommends (no engine, no daemon). Exit codes: 0 available,
# 3 not installable here (not root / no apt-get), anything else: the installation failed.
set -euo pipefail
if command -v docker-compose >/dev/null 2>&1; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then echo "docker-compose is missing and apt-get is not available" >&2; exit 3; fi
if [ "$(id -u)" != 0 ]; then echo "docker-compose is missing and installing it needs root" >&2; exit 3; fi
echo "[deploy] installing docker-compose (Debian package, no recommends)" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
command -v docker-compose >/dev/null
