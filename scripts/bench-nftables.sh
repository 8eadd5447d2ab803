#!/usr/bin/env bash
# The nftables benchmark, in one run: full sync and one-endpoint partial sync of synthetic clusters (1,000 x 10,
# 10,000 x 10, 30,000 x 4 services x endpoints) with Sluice's nftables backend next to its iptables backend on
# iptables-legacy and iptables-nft (capped in size: its restore is superlinear), plus the first-packet latency to the
# last service at 10 vs 30,000 services. Every case runs in a fresh network namespace (slnb-*, never the host's own).
# Rewrites the "## nftables" section of docs/benchmarks.md. Extra arguments go to NftablesBenchmarkDriver, e.g.
#   scripts/bench-nftables.sh --sizes 1000x10 --write /tmp/bench.md
# Takes /tmp/sluice-kernel.lock for the measurements itself (do not wrap it in flock); run it with nice -n 10.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != "0" ]; then
  echo "bench-nftables.sh must run as root (it creates network namespaces)" >&2
  exit 1
fi
for tool in ip nft iptables-legacy-restore iptables-nft-restore python3 flock; do
  if ! command -v "$tool" >/dev/null; then
    echo "missing $tool: apt-get install -y nftables iptables iproute2 python3 util-linux" >&2
    exit 1
  fi
done

# The benchmark lives in proxy-app's test sources (nothing of it ships in sluice.jar). Its classpath: the reactor's
# compiled classes plus proxy-app's test-scope dependencies, listed by a pinned maven-dependency-plugin in the same
# (online) build, so it does not depend on artifacts some earlier, unrelated build happened to download.
mvn -B -ntp -q -pl proxy-app -am test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
CP="proxy-app/target/test-classes:proxy-app/target/classes:$(cat proxy-app/target/bench-classpath.txt)"

# The run takes minutes: copy the class directories aside, so a build in this worktree meanwhile cannot swap classes
# under the benchmark's JVMs.
STAGE="$(mktemp -d /tmp/slnb-classes.XXXXXX)"
trap 'rm -rf "$STAGE"' EXIT
STAGED=()
i=0
IFS=: read -r -a ENTRIES <<< "$CP"
for entry in "${ENTRIES[@]}"; do
  if [ -d "$entry" ]; then
    cp -r "$entry" "$STAGE/$i"
    STAGED+=("$STAGE/$i")
    i=$((i + 1))
  else
    STAGED+=("$entry")
  fi
done
CP="$(IFS=:; echo "${STAGED[*]}")"

ARGS=("$@")
if [ ${#ARGS[@]} -eq 0 ]; then
  ARGS=(--write docs/benchmarks.md)
fi
flock /tmp/sluice-kernel.lock java -Xmx1g -cp "$CP" io.sluice.app.bench.NftablesBenchmarkDriver "${ARGS[@]}"
