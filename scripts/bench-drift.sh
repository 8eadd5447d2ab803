#!/usr/bin/env bash
# The self-healing drift check benchmark: what the iptables backend's periodic presence check adds to a periodic
# sync at 10,000 services x 10 endpoints (iptables-legacy, in a fresh network namespace sl-drift-bench, never the
# host's own). Prints a Markdown section; paste it into docs/benchmarks.md ("### Drift check").
#   scripts/bench-drift.sh [--cpu-only] [SERVICES [ENDPOINTS [REPEATS]]]
# --cpu-only times the parse and comparison alone, without a kernel or root (the full payload stands in for the save).
set -euo pipefail
cd "$(dirname "$0")/.."
cpu_only=0
if [ "${1:-}" = --cpu-only ]; then
  cpu_only=1
  shift
fi
if [ "$cpu_only" = 0 ] && [ "$(id -u)" != "0" ]; then
  echo "bench-drift.sh must run as root (it creates a network namespace)" >&2
  exit 1
fi
services="${1:-10000}" endpoints="${2:-10}" repeats="${3:-5}" ns=sl-drift-bench
mvn -o -q -B -pl backends-iptables -am test-compile \
  dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
CP="backends-iptables/target/test-classes:backends-iptables/target/classes:$(cat backends-iptables/target/classpath.txt)"
if [ "$cpu_only" = 1 ]; then
  exec java -Xmx4g -XX:+UseSerialGC -cp "$CP" io.sluice.iptables.DriftCheckBenchmark - "$services" "$endpoints" "$repeats"
fi
ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
java -Xmx4g -XX:+UseSerialGC -cp "$CP" io.sluice.iptables.DriftCheckBenchmark "$ns" "$services" "$endpoints" "$repeats"
