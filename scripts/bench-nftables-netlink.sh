#!/usr/bin/env bash
# The nftables-over-netlink benchmark: builds backends-nftables-netlink with its tests and runs
# io.sluice.nftables.netlink.NetlinkApplierBenchmark as root. Each size S×E is synced through the nftables backend
# with nft -f and with netlink in fresh network namespaces (slnl-bench-*, never the host's own); the
# "## nftables over netlink" section of docs/benchmarks.md is rewritten. Arguments: sizes, default 1000x10 10000x10.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != "0" ]; then
  echo "bench-nftables-netlink.sh must run as root (it creates network namespaces)" >&2
  exit 1
fi
for tool in ip nft; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y nftables iproute2" >&2; exit 1; }
done

mvn -o -q -B -pl backends-nftables-netlink -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
m=backends-nftables-netlink
CP="$m/target/test-classes:$m/target/classes:$(cat $m/target/classpath.txt)"
SIZES=("$@")
if [ ${#SIZES[@]} -eq 0 ]; then
  SIZES=(1000x10 10000x10)
fi
exec java -Xms1g -Xmx6g -cp "$CP" io.sluice.nftables.netlink.NetlinkApplierBenchmark --write docs/benchmarks.md \
  "${SIZES[@]}"
