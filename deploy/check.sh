#!/usr/bin/env bash
# Renders every Kustomize overlay and validates what it renders (deploy/validate/validate.mjs): schemas
# of every resource, labels, selectors, ConfigMap/Secret keys, ports against the services' configuration.
# Also proves the validator catches known faults (--self-test). Needs kubectl (with kustomize v5) and
# Node.js; run from anywhere. Called by .ci/run.
set -euo pipefail
DEPLOY="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

if ! command -v kubectl > /dev/null; then
  echo "deploy/check.sh: kubectl is missing; installing it from the distribution's packages" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q kubectl > /dev/null; else sudo apt-get install -y -q kubectl > /dev/null; fi
fi
kubectl version --client 2>/dev/null | grep -q "Kustomize Version: v[5-9]" \
  || { echo "deploy/check.sh: kubectl with kustomize v5 or newer is needed" >&2; exit 1; }

if [ ! -d "$DEPLOY/validate/node_modules" ]; then
  (cd "$DEPLOY/validate" && npm ci --no-audit --no-fund --loglevel=error > /dev/null)
fi

for overlay in "$DEPLOY"/overlays/*/; do
  name="$(basename "$overlay")"
  kubectl kustomize "$overlay" > "$OUT/$name.yaml"
  node "$DEPLOY/validate/validate.mjs" "$OUT/$name.yaml"
done
for overlay in "$DEPLOY"/overlays/*/; do
  node "$DEPLOY/validate/validate.mjs" --self-test "$OUT/$(basename "$overlay").yaml"
done
echo "deploy/check.sh: every overlay renders and validates"
