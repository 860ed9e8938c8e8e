#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the report page's browser test
# (test/e2e/report-page.e2e-spec.ts, driven by playwright-core). playwright's own browser download
# cannot work here (no network but the package registries), so the distribution's build is used.
# Idempotent: an installed Chromium is left alone. Other helpers (and CI) may run it concurrently,
# so apt's lock is waited for rather than failed on.
set -euo pipefail
log() { echo "[chromium] $*" >&2; }
if [ -x /usr/bin/chromium ]; then exit 0; fi
log "installing Debian's chromium"
apt-get -o DPkg::Lock::Timeout=300 update -qq
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
[ -x /usr/bin/chromium ] || { log "chromium was not installed"; exit 1; }
