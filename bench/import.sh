#!/usr/bin/env bash
# The bulk-import benchmark (issue #18): 100,000 devices registered in one call, as JSON and as CSV, into a
# packaged device-gateway-service on this machine's PostgreSQL; target under 10 s per import.
#
#   bench/import.sh [--devices N (100,000)] [--rounds N (3)]
#
# Prints a Markdown table and writes bench/results/import.md (results are not committed).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mkdir -p bench/results

echo "bench: building the platform (tests skipped) ..."
mvn -B -q install -DskipTests -Dspotless.check.skip=true
CP_FILE="$(mktemp)"
mvn -B -q -pl e2e-tests dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" > /dev/null
mvn -B -q -pl e2e-tests test-compile -Dspotless.check.skip=true

cd e2e-tests
exec java -Xmx2g -cp "target/test-classes:$(cat "$CP_FILE")" org.otaplatform.e2e.ImportBenchmark "$@"
