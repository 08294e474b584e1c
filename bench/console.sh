#!/usr/bin/env bash
# The console benchmark (issue #19): the plan page of a plan over 1,000,000 devices, read as a browser reads
# it, from the packaged services and console on this machine's PostgreSQL; target under 1 s.
#
#   bench/console.sh [--devices N (1,000,000)] [--samples N (8)]
#
# Prints a Markdown table and writes bench/results/console.md (results are not committed).
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
exec java -Xmx2g -cp "target/test-classes:$(cat "$CP_FILE")" org.otaplatform.e2e.ConsoleBenchmark "$@"
