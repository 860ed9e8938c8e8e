#!/usr/bin/env bash
# `npm test`: every test of the project. Unit specs first (fast, no services), then the integration
# and end-to-end specs, then the fault, fuzz and security specs, serially against real PostgreSQL,
# Redis and S3, which this starts (and installs on a fresh machine) when they are not already
# running, and Debian's Chromium for the browser test. dist/ is rebuilt first when it is stale (the fault specs and one integration spec run the
# compiled apps). Every project runs even when an earlier one failed, and the run ends with one
# line counting all of them; the exit code is non-zero when any test or suite failed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services/ensure-services.sh
# The report page's browser test drives Debian's Chromium (installed here, ahead of the specs' timeouts).
bash scripts/services/ensure-chromium.sh
bash scripts/build/ensure-build.sh
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
npx jest --selectProjects unit --json --outputFile "$results/unit.json" || status=1
npx jest --selectProjects integration --runInBand --json --outputFile "$results/integration.json" || status=1
npx jest --selectProjects faults --runInBand --json --outputFile "$results/faults.json" || status=1
node - "$results" <<'JS' || status=1
// One total over the three projects' Jest results; a suite that failed to run counts as failed.
const { existsSync, readFileSync } = require('node:fs');
const projects = ['unit', 'integration', 'faults'];
let passed = 0, failed = 0, skipped = 0;
const parts = projects.map((name) => {
  const file = `${process.argv[2]}/${name}.json`;
  if (!existsSync(file)) { failed += 1; return `${name}: did not run`; }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  skipped += r.numPendingTests + r.numTodoTests;
  return `${name} ${r.numPassedTests}/${r.numTotalTests}`;
});
console.log(`\nnpm test: ${parts.join(', ')} passed`);
console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
JS
exit "$status"
