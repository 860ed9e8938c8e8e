#!/usr/bin/env bash
# `npm test`: every test of the project. Unit specs first (fast, no services), then the integration
# and end-to-end specs serially against real PostgreSQL, Redis and S3, which this starts (and installs
# on a fresh machine) when they are not already running.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services/ensure-services.sh
[ -d dist ] || npm run build
npx jest --selectProjects unit
npx jest --selectProjects integration --runInBand
npx jest --selectProjects faults --runInBand
