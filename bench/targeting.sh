#!/usr/bin/env bash
# The fleet-targeting benchmark (issue #34): 100,000 devices tagged in one call (target well under 10 s), and the
# plan preview over 1,000,000 devices in plan-service's views (target under 1 s), on this machine's PostgreSQL.
#
#   bench/targeting.sh [--devices N (1,000,000)] [--tagged N (100,000)] [--rounds N (5)]
#
# Prints a Markdown table and writes bench/results/targeting.md (results are not committed).
set -euo pipefail
# shellcheck source=bench/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
build_harness
run_harness -Xmx2g TargetingBenchmark "$@"
