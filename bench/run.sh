#!/usr/bin/env bash
# The platform's benchmarks (issue #8), one command:
#
#   bench/run.sh [--gateways N] [--devices N] [--concurrency N] [--scheduler-devices N (0 skips)]
#                [--postgres machine|stock] [--warmup N] [--gateway-firmware on]
#
# --warmup N (default 10,000; 0 measures cold) runs a campaign of N sub-devices on a fleet and product of
# their own before the measured one, so that the services meet it with their code compiled, as a running
# platform would (the raw baseline runs later in the warmed-up harness).
# --gateway-firmware on (a mode, off by default) also upgrades the fleet's gateways themselves (1,000 by default)
# through a plan of their product, activated with the sub-device plan, whose package needs the new gateway
# firmware: the sub-devices wait for their gateways' reboots; both plans' times and that wait are reported.
# --postgres stock runs the platform on a PostgreSQL of its own with the server's default settings
# (embedded, autovacuum and synchronous commit on) instead of the one at 127.0.0.1:5432, whose
# configuration may differ (this CI machine's has autovacuum off).
#
# 1. the download benchmark against nginx (bench/download.sh; skipped with BENCH_DOWNLOAD=0),
# 2. a silent campaign over a simulated fleet (default 1,000 gateways x 100 sub-devices), the same number
#    of MQTT messages through the same broker with no platform in between, and the scheduler over
#    1,000,000 devices (e2e-tests' CampaignBenchmark).
# Prints a Markdown table; writes bench/results/benchmark.{md,json} (results are not committed).
set -euo pipefail
# shellcheck source=bench/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
build_harness

if [ "${BENCH_DOWNLOAD:-1}" = 1 ]; then
  bench/download.sh || echo "bench: the download benchmark failed; continuing without it" >&2
fi

run_harness -Xmx3g CampaignBenchmark "$@"
