#!/usr/bin/env bash
# Builds dist/ when it is missing or older than what it is compiled from, and only then. The one
# staleness check of the project: `npm test`, `npm start` and the specs that run compiled code (test/support/ensure-built.ts)
# all call it, so none of them ever runs yesterday's JavaScript.
# dist/.build-stamp marks the start of the last build made here; a source, tsconfig or lock file
# changed after it means a new build. (A plain `npm run build` leaves no stamp: the next check
# builds once more, which is slower but never wrong.)
set -euo pipefail
cd "$(dirname "$0")/../.."
stamp=dist/.build-stamp
if [ -f "$stamp" ]; then
  newer=$(find apps libs bench scripts test/support -name '*.ts' ! -name '*.spec.ts' ! -name '*-spec.ts' -newer "$stamp" -print -quit)
  # The report page's files are copied, not compiled (package.json's build).
  [ -z "$newer" ] && newer=$(find apps/api/src/report-page/assets -newer "$stamp" -print -quit)
  [ -z "$newer" ] && newer=$(find package-lock.json tsconfig.base.json tsconfig.build.json -newer "$stamp" -print -quit)
  if [ -z "$newer" ]; then exit 0; fi
  echo "[build] $newer changed since the last build: npm run build" >&2
else
  echo "[build] dist/ is missing or was not built by this check: npm run build" >&2
fi
started=$(mktemp)
trap 'rm -f "$started"' EXIT
npm run build --silent
mkdir -p dist
mv "$started" "$stamp"
trap - EXIT
