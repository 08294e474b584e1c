#!/usr/bin/env bash
# The console benchmark (issue #19): the plan page of a plan over 1,000,000 devices, read as a browser reads
# it, from the packaged services and console on this machine's PostgreSQL; target under 1 s.
#
#   bench/console.sh [--devices N (1,000,000)] [--samples N (8)]
#
# Prints a Markdown table and writes bench/results/console.md (results are not committed).
set -euo pipefail
# shellcheck source=bench/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
build_harness
run_harness -Xmx2g ConsoleBenchmark "$@"
