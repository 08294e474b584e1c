#!/usr/bin/env bash
# Download benchmark (issue #3): one 4 MiB package served to 200 concurrent connections (200 gateways, a
# link each) by
# firmware-service's gateway download endpoint, beside nginx serving the same file, same machine, same
# load tool (wrk), same run. Prints MB/s for both and the ratio; writes bench/results/download.{md,json}.
#
#   bench/download.sh [DURATION_SECONDS]     (default 15)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${1:-15}"
CONNECTIONS=200
SIZE=$((4 * 1024 * 1024))
NGINX_PORT="${BENCH_NGINX_PORT:-18080}"
FIRMWARE_PORT="${OTA_FIRMWARE_PORT:-8081}"
RESULTS="$ROOT/bench/results"
WORK="$(mktemp -d /tmp/ota-bench-download.XXXXXX)"
chmod 755 "$WORK"

need() {
  command -v "$1" > /dev/null && return 0
  echo "installing $2 from Debian's packages ..."
  if [ "$(id -u)" != 0 ]; then echo "bench: $1 is missing; install $2" >&2; exit 1; fi
  apt-get update -qq > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" > /dev/null
}
need wrk wrk
need nginx nginx-light
need openssl openssl

started_platform=0
if ! curl -fsS "http://127.0.0.1:${OTA_FIRMWARE_MANAGEMENT_PORT:-9081}/q/health/ready" > /dev/null 2>&1; then
  "$ROOT/ota" up > "$WORK/ota-up.log"
  started_platform=1
fi
# shellcheck disable=SC1091
set -a; . "$ROOT/.ota/secrets.env"; set +a

cleanup() {
  [ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
  [ "$started_platform" = 1 ] && "$ROOT/ota" down > /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# the package
mkdir -p "$WORK/www"
head -c "$SIZE" /dev/urandom > "$WORK/www/fw.bin"
chmod 644 "$WORK/www/fw.bin"
product="bench-$(date +%s)"
token=$("$ROOT/ota" token ota-admin 1)
id=$(curl -fsS -H "Authorization: Bearer $token" -F "file=@$WORK/www/fw.bin" -F productKey="$product" -F version=1.0.0 -F type=FULL -F name=bench \
  "http://127.0.0.1:$FIRMWARE_PORT/api/v1/firmware" | sed -E 's/.*"id":"([^"]+)".*/\1/')

# gateway-bound links, minted as device-gateway-service does (HMAC-SHA256, see DownloadLinks): one per
# connection, as 200 gateways each downloading the package (the service limits requests per link and per
# gateway, as a replayed link must not be served at will)
exp=$(( $(date +%s) + 3600 ))
link() { # gatewayId -> path
  local sig
  sig=$(printf 'ota-download-v1\n%s\n%s\n%s' "$id" "$1" "$exp" \
    | openssl dgst -sha256 -hmac "$OTA_DOWNLOAD_LINK_SECRET" -binary | base64 | tr '+/' '-_' | tr -d '=\n')
  printf '/download/%s?gw=%s&exp=%s&sig=%s' "$id" "$1" "$exp" "$sig"
}
for n in $(seq 1 "$CONNECTIONS"); do link "bench-gw-$n"; echo; done > "$WORK/links.txt"
cat > "$WORK/links.lua" <<LUA
local paths = {}
for line in io.lines("$WORK/links.txt") do paths[#paths + 1] = line end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
LUA
fw_base="http://127.0.0.1:$FIRMWARE_PORT"
curl -fsS -o "$WORK/check.bin" "$fw_base$(head -1 "$WORK/links.txt")"
cmp -s "$WORK/check.bin" "$WORK/www/fw.bin" || { echo "bench: downloaded bytes differ" >&2; exit 1; }

# nginx with the same file
mkdir -p "$WORK/nginx/logs"
cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
nginx_url="http://127.0.0.1:$NGINX_PORT/fw.bin"
curl -fsS -o /dev/null "$nginx_url"

run() { # url [script] -> requests per second
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s ${2:+-s "$2"} "$1" > "$WORK/wrk.out" 2>&1
  grep -E '^Requests/sec' "$WORK/wrk.out" | awk '{print $2}'
}
echo "warming up ..."
wrk -t2 -c"$CONNECTIONS" -d3s -s "$WORK/links.lua" "$fw_base" > /dev/null 2>&1 || true
wrk -t2 -c"$CONNECTIONS" -d3s "$nginx_url" > /dev/null 2>&1 || true

# Alternate the two servers for ROUNDS rounds and keep each one's best: on a 2-core machine the load
# tool competes with the server for the CPU, so single runs vary by ±15 %.
ROUNDS="${BENCH_ROUNDS:-3}"
echo "measuring $CONNECTIONS concurrent downloads of 4 MiB, ${DURATION}s per run, $ROUNDS alternating rounds ..."
fw_rps=0; ng_rps=0; fw_errors=""; ng_errors=""; fw_all=""; ng_all=""
for round in $(seq 1 "$ROUNDS"); do
  r=$(run "$fw_base" "$WORK/links.lua"); fw_all="$fw_all $r"
  fw_errors="$fw_errors$(grep -E 'Non-2xx|Socket errors' "$WORK/wrk.out" || true)"
  fw_rps=$(awk -v a="$fw_rps" -v b="$r" 'BEGIN{print (b>a)?b:a}')
  r=$(run "$nginx_url"); ng_all="$ng_all $r"
  ng_errors="$ng_errors$(grep -E 'Non-2xx|Socket errors' "$WORK/wrk.out" || true)"
  ng_rps=$(awk -v a="$ng_rps" -v b="$r" 'BEGIN{print (b>a)?b:a}')
done
fw_mbs=$(awk -v r="$fw_rps" -v s="$SIZE" 'BEGIN{printf "%.1f", r*s/1e6}')
ng_mbs=$(awk -v r="$ng_rps" -v s="$SIZE" 'BEGIN{printf "%.1f", r*s/1e6}')
ratio=$(awk -v a="$fw_mbs" -v b="$ng_mbs" 'BEGIN{printf "%.2f", a/b}')
cores=$(nproc)

mkdir -p "$RESULTS"
cat > "$RESULTS/download.md" <<MD
| server | downloads/s | MB/s |
|---|---|---|
| firmware-service /download | $fw_rps | $fw_mbs |
| nginx (sendfile) | $ng_rps | $ng_mbs |

ratio firmware-service / nginx: **$ratio** (bar ≥ 0.8, aim 0.9) — 4 MiB package, $CONNECTIONS connections, best of $ROUNDS alternating ${DURATION}s runs, wrk, $cores cores
(all runs, downloads/s: firmware-service$fw_all; nginx$ng_all)
MD
cat > "$RESULTS/download.json" <<JSON
{"benchmark":"download","packageBytes":$SIZE,"connections":$CONNECTIONS,"durationSeconds":$DURATION,"cores":$cores,
 "firmwareService":{"downloadsPerSecond":$fw_rps,"mbPerSecond":$fw_mbs},
 "nginx":{"downloadsPerSecond":$ng_rps,"mbPerSecond":$ng_mbs},
 "ratio":$ratio,"rounds":$ROUNDS}
JSON
cat "$RESULTS/download.md"
[ -z "$fw_errors" ] || { echo "firmware-service: $fw_errors (the figure above is not a download rate)" >&2; exit 1; }
[ -z "$ng_errors" ] || echo "nginx: $ng_errors"
