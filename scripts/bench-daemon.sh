#!/usr/bin/env bash
# The daemon lab: the real `sluice run` (proxy-app/target/sluice.jar) with the DaemonSet's own JVM options, in a
# cgroup v1 memory group with the DaemonSet's memory limit (both read from manifests/base/daemonset.yaml), against
# fabric8's mock API server in CRUD mode (io.sluice.app.lab.MockApiServerMain, its own JVM on 127.0.0.1) filled with
# N services x E endpoints, programming the real kernel in a fresh network namespace (slab-*, never the host's own).
# Each size runs io.sluice.app.lab.DaemonLab inside its namespace under `flock /tmp/sluice-kernel.lock nice -n 10`,
# entered with `nsenter --net` (not `ip netns exec`, which remounts /sys: the JVM would not see its cgroup limit);
# io.sluice.app.lab.LabReport then rewrites the "## Daemon lab" section of docs/benchmarks.md and docs/daemon-lab-*.svg.
#
#   scripts/bench-daemon.sh                         # 1000x10, 10000x10, 30000x4 on iptables-legacy; 1000x10 on nft
#   scripts/bench-daemon.sh 1000x10:legacy          # chosen sizes (SIZExENDPOINTS:VARIANT ...)
#   SLUICE_LAB_JAR=/tmp/old.jar SLUICE_LAB_LABEL=before scripts/bench-daemon.sh 10000x10:legacy
#   scripts/bench-daemon.sh --reliability [SIZE]   # the reliability suite (io.sluice.app.lab.ReliabilityLab) at
#                                                   # SIZE (default 10000x10): API server away 5 min, xtables lock
#                                                   # 15 s, failing iptables-restore, 1,000 changes/min for 5 min,
#                                                   # kill -9 x3, under traffic; rewrites docs/reliability.md
# Results (properties, daemon logs, class histograms) go to target/daemon-lab/; the report covers every label there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != "0" ]; then
  echo "bench-daemon.sh must run as root (network namespaces, cgroups)" >&2
  exit 1
fi
for tool in ip nsenter iptables-legacy iptables-nft java jcmd flock; do
  if ! command -v "$tool" >/dev/null; then
    echo "missing $tool: apt-get install -y iptables iproute2 openjdk-17-jdk-headless util-linux" >&2
    exit 1
  fi
done
if [ ! -w /sys/fs/cgroup/memory/cgroup.procs ]; then
  echo "needs the cgroup v1 memory controller at /sys/fs/cgroup/memory" >&2
  exit 1
fi

RELIABILITY=""
if [ "${1:-}" = "--reliability" ]; then
  RELIABILITY=1
  shift
fi
SIZES=("$@")
if [ -n "$RELIABILITY" ] && [ ${#SIZES[@]} -eq 0 ]; then
  SIZES=(10000x10:legacy)
fi
if [ ${#SIZES[@]} -eq 0 ]; then
  SIZES=(1000x10:legacy 10000x10:legacy 30000x4:legacy 1000x10:nft)
fi
LABEL="${SLUICE_LAB_LABEL:-current}"
OUT="$PWD/target/daemon-lab"
mkdir -p "$OUT"

mvn -B -ntp -q -P daemon-lab -pl proxy-app -am package -DskipTests -DskipITs
JAR="${SLUICE_LAB_JAR:-$PWD/proxy-app/target/sluice.jar}"
CP="$PWD/proxy-app/target/test-classes:$(cat proxy-app/target/lab-classpath.txt)"

NS=""
cleanup() {
  if [ -n "$NS" ]; then
    ip netns del "$NS" 2>/dev/null || true
  fi
}
trap cleanup EXIT

for size in "${SIZES[@]}"; do
  dims="${size%%:*}"
  variant="${size#*:}"
  [ "$variant" = "$size" ] && variant=legacy
  services="${dims%%x*}"
  endpoints="${dims#*x}"
  NS="slab-$$-$services"
  ip netns add "$NS"
  ip netns exec "$NS" ip link set lo up
  echo "== daemon lab: $services services x $endpoints endpoints, iptables-$variant, label $LABEL"
  if [ -n "$RELIABILITY" ]; then
    flock /tmp/sluice-kernel.lock nice -n 10 nsenter --net="/run/netns/$NS" java -Xmx2g -cp "$CP" \
      io.sluice.app.lab.ReliabilityLab --services "$services" --endpoints "$endpoints" --jar "$JAR" \
      --label "$LABEL" --out "$OUT" --repo "$PWD" --api-down-s "${SLUICE_LAB_API_DOWN_S:-300}" --lock-s 15 \
      --churn-per-min 1000 --churn-s "${SLUICE_LAB_CHURN_S:-300}" --restarts 3
  else
    flock /tmp/sluice-kernel.lock nice -n 10 nsenter --net="/run/netns/$NS" java -Xmx2g -cp "$CP" \
      io.sluice.app.lab.DaemonLab --services "$services" --endpoints "$endpoints" --variant "$variant" \
      --jar "$JAR" --label "$LABEL" --out "$OUT" --repo "$PWD" ${SLUICE_LAB_SAMPLES:+--samples "$SLUICE_LAB_SAMPLES"} \
      ${SLUICE_LAB_CHANGES:+--changes "$SLUICE_LAB_CHANGES"}
  fi
  ip netns del "$NS"
  NS=""
done

if [ -n "$RELIABILITY" ]; then
  java -cp "$CP" io.sluice.app.lab.ReliabilityReport --in "$OUT" --write docs/reliability.md
else
  java -cp "$CP" io.sluice.app.lab.LabReport --in "$OUT" --write docs/benchmarks.md --svg-dir docs
fi
