#!/usr/bin/env bash
# `npm start`: builds dist/ when it is missing or stale (scripts/build/ensure-build.sh, as npm test),
# then hands over to the compiled orchestrator (scripts/start/main.ts), which does the rest: services,
# database, sample data, the API and two workers, one report, and logs until Ctrl-C. The build step
# is bash because nothing compiled can run before it; everything after is TypeScript, which reuses
# the project's own migrations, ingest, sample-week generator and settings instead of copying them.
set -euo pipefail
cd "$(dirname "$0")/../.."
began=$(date +%s%N)
bash scripts/build/ensure-build.sh
echo "[start] build: dist/ ready ($(( ($(date +%s%N) - began) / 100000000 )) ds)" | sed -E 's/\(([0-9]*)([0-9]) ds\)/(\1.\2 s)/; s/\(\.([0-9]) s\)/(0.\1 s)/'
exec node dist/scripts/start/main.js "$@"
