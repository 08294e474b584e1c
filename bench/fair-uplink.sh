#!/usr/bin/env bash
# The fair-uplink benchmark (issue #21): a campaign alone, then beside one gateway flooding maximum-size
# hellos; the flood must not raise the campaign's p99 task latency by more than 1 s.
#
#   bench/fair-uplink.sh [--gateways N (200)] [--devices N (20)] [--concurrency N (10)]
#
# Prints a Markdown table and writes bench/results/fair-uplink.md (results are not committed).
set -euo pipefail
# shellcheck source=bench/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
build_harness
run_harness -Xmx2g FairUplinkBenchmark "$@"
