#!/usr/bin/env bash
# Creates the dev overlay's Secrets (deploy/required-secrets.yaml) in the cluster kubectl points at, with
# fresh random values: database and broker passwords, firmware signing key, download-link secret, and
# the public half of the REST token key pair this checkout's `./ota token` signs with (.ota/jwt), so the
# tokens it mints are accepted by the cluster. Mosquitto's password files: the services' (three accounts,
# listener 1884) and the gateways' (GATEWAYS simulated gateways, <PREFIX>-gw000 ... with one shared
# password, which the simulator's --mqtt-password gives; listeners 8883 TLS and 1883). Prints that gateway password. For a dev cluster only: real
# deployments keep their secrets in their secret store.
#
#   deploy/dev-secrets.sh [GATEWAYS (default 20)] [PREFIX (default sim)]     namespace: $OTA_NAMESPACE or ota-dev
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NS="${OTA_NAMESPACE:-ota-dev}"
GATEWAYS="${1:-20}"
PREFIX="${2:-sim}"
command -v mosquitto_passwd > /dev/null || { echo "mosquitto_passwd is needed (Debian package mosquitto)" >&2; exit 1; }
[ -f "$ROOT/ota-testkit/target/ota-testkit.jar" ] \
  || (cd "$ROOT" && mvn -B -q package -DskipTests -Dspotless.check.skip=true)
infra() { java -cp "$ROOT/ota-testkit/target/ota-testkit.jar:$ROOT/ota-testkit/target/lib/*" org.otaplatform.testkit.InfraMain "$@"; }
random() { head -c 24 /dev/urandom | base64 | tr -d '/+=' ; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$ROOT/.ota"
infra local-secrets > "$WORK/secrets.env"
# the token key pair of this checkout (made if missing): ./ota token ROLE mints tokens for the cluster
infra jwt-public-key "$ROOT/.ota/jwt" > "$WORK/jwt.pem"

declare -A mqtt
for service in firmware-service plan-service device-gateway-service; do mqtt[$service]="$(random)"; done
gateway_password="$(random)"
: > "$WORK/services"
: > "$WORK/gateways"
for service in "${!mqtt[@]}"; do mosquitto_passwd -b "$WORK/services" "$service" "${mqtt[$service]}"; done
last=$((GATEWAYS - 1)); digits=$(( ${#last} > 3 ? ${#last} : 3 ))  # as the simulator numbers them
for i in $(seq 0 "$last"); do
  mosquitto_passwd -b "$WORK/gateways" "$(printf "%s-gw%0${digits}d" "$PREFIX" "$i")" "$gateway_password"
done

apply() { kubectl -n "$NS" create secret generic "$@" --dry-run=client -o yaml | kubectl apply -f - > /dev/null; }
kubectl get namespace "$NS" > /dev/null 2>&1 || kubectl create namespace "$NS" > /dev/null
apply ota-db-admin --type=kubernetes.io/basic-auth --from-literal=username=postgres --from-literal=password="$(random)"
apply ota-db-credentials --from-literal=firmware-password="$(random)" --from-literal=plan-password="$(random)" \
  --from-literal=device-gateway-password="$(random)"
apply ota-mqtt-credentials --from-literal=firmware-service="${mqtt[firmware-service]}" \
  --from-literal=plan-service="${mqtt[plan-service]}" --from-literal=device-gateway-service="${mqtt[device-gateway-service]}"
literals=()
while IFS= read -r line; do [[ "$line" == OTA_*=* ]] && literals+=("--from-literal=$line"); done < "$WORK/secrets.env"
apply ota-secrets "${literals[@]}" --from-file=OTA_JWT_PUBLIC_KEY="$WORK/jwt.pem"
apply ota-mosquitto-passwd --from-file=gateways="$WORK/gateways" --from-file=services="$WORK/services"
echo "Secrets created in namespace $NS. Simulated gateways ${PREFIX}-gw... log in with --mqtt-password $gateway_password"
