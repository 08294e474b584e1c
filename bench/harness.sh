# Sourced by the bench scripts: builds the platform (tests skipped) with e2e-tests' class path, then runs
# one of e2e-tests' benchmark classes on it. Not a command of its own.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mkdir -p bench/results

build_harness() {
  echo "bench: building the platform (tests skipped) ..."
  mvn -B -q install -DskipTests -Dspotless.check.skip=true
  CP_FILE="$(mktemp)"
  mvn -B -q -pl e2e-tests dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" > /dev/null
}

# run_harness HEAP CLASS [options]: this shell becomes the benchmark's JVM
run_harness() {
  local heap="$1" main="$2"
  shift 2
  cd "$ROOT/e2e-tests"
  exec java "$heap" -cp "target/test-classes:$(cat "$CP_FILE")" "org.otaplatform.e2e.$main" "$@"
}
