#!/usr/bin/env bash
# The bulk-import benchmark (issue #18): 100,000 devices registered in one call, as JSON and as CSV, into a
# packaged device-gateway-service on this machine's PostgreSQL; target under 10 s per import.
#
#   bench/import.sh [--devices N (100,000)] [--rounds N (3)]
#
# Prints a Markdown table and writes bench/results/import.md (results are not committed).
set -euo pipefail
# shellcheck source=bench/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
build_harness
run_harness -Xmx2g ImportBenchmark "$@"
