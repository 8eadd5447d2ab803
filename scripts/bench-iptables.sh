#!/usr/bin/env bash
# The iptables benchmark: builds backends-iptables and runs io.sluice.iptables.bench.IptablesBenchmark (test sources)
# as root.
# It renders a synthetic 10,000-service x 10-endpoint cluster, applies it with iptables-legacy-restore and
# iptables-nft-restore inside fresh network namespaces (slpp-bench-*, never the host's own), and rewrites the
# "## iptables" section of docs/benchmarks.md. Extra arguments go to the benchmark, e.g.
#   scripts/bench-iptables.sh --services 2000 --nft-sizes 500 --write /tmp/bench.md
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != "0" ]; then
  echo "bench-iptables.sh must run as root (it creates network namespaces)" >&2
  exit 1
fi
for tool in ip iptables-legacy-restore iptables-nft-restore; do
  if ! command -v "$tool" >/dev/null; then
    echo "missing $tool: apt-get install -y iptables iproute2" >&2
    exit 1
  fi
done

# The benchmark and its synthetic clusters are test code (nothing of it ships in sluice.jar): run it from the test
# class path. Online and with the pinned dependency plugin, so a fresh machine resolves what it needs here.
mvn -q -B -ntp -pl backends-iptables -am test-compile \
  dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
CP="backends-iptables/target/test-classes:backends-iptables/target/classes:$(cat backends-iptables/target/classpath.txt)"

ARGS=("$@")
if [ ${#ARGS[@]} -eq 0 ]; then
  ARGS=(--write docs/benchmarks.md)
fi
exec java -Xms1g -Xmx6g -cp "$CP" io.sluice.iptables.bench.IptablesBenchmark "${ARGS[@]}"
