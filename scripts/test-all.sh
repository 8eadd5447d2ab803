#!/usr/bin/env bash
# Runs every test tier of Sluice. This is the README's test command and what CI runs.
#   1. installs the Debian packages the tiers need when they are missing (root only);
#   2. mvn verify: unit + property tests (surefire), privileged real-kernel tests in network namespaces (failsafe);
#   2b. the opt-in kind profile is compiled and its test run (it skips loudly where Docker is absent);
#   3. the VM tier: Debian's kernel under qemu (TCG) for IPVS and dummy interfaces (scripts/vm-test.sh);
#   4. the README's main command on the jar the tests ran with (a dry-run dump of examples/).
# Every Maven step runs online with pinned plugins: nothing relies on what an earlier, unrelated build downloaded.
# Rehearse a new machine: MAVEN_OPTS=-Dmaven.repo.local=$(mktemp -d) bash .ci/run on a fresh clone.
# As root every privileged test must run (SLUICE_REQUIRE_PRIVILEGED=1 turns a missing privilege into a failure);
# as non-root the privileged and VM tiers say loudly that they are skipped.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

packages=(iptables nftables ipset ipvsadm conntrack nfacct prometheus iproute2 kmod procps python3 qemu-system-x86 linux-image-amd64 busybox-static)
if [ "$(id -u)" = 0 ]; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "test-all: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  export SLUICE_REQUIRE_PRIVILEGED=1
else
  echo "test-all: NOT ROOT: the privileged tier (network namespaces) and the VM tier will be SKIPPED." >&2
  echo "test-all: run as root (CI does) to run every tier." >&2
fi

echo "test-all: tier 1+2: mvn verify (unit, property, privileged)"
mvn -B -ntp verify

# The kind end-to-end tier needs a Docker engine, which CI does not have: build the profile so it keeps compiling,
# and run its test, which says loudly that it is skipped (SLUICE_REQUIRE_KIND=1 would make it fail instead).
echo "test-all: kind profile (-Pkind): compile, and run KindEndToEndIT (skips without Docker)"
mvn -B -ntp -q -Pkind -pl proxy-app -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=KindEndToEndIT -Dfailsafe.failIfNoSpecifiedTests=false

if [ "$(id -u)" = 0 ]; then
  echo "test-all: tier 3: IPVS tier in a qemu VM"
  scripts/vm-test.sh --ipvs-tier
else
  echo "test-all: tier 3 (VM, IPVS) SKIPPED: needs root." >&2
fi

# The README's first command, on the jar `mvn verify` built and tested (the kind profile does not re-shade it).
echo "test-all: the README's main command (./sluice dump of examples/)"
dump="$(SLUICE_NO_BUILD=1 ./sluice dump --objects examples/cluster.yaml --config examples/kube-proxy-config.yaml)"
grep -q '^\*nat$' <<<"$dump" || { echo "test-all: ./sluice dump printed no nat table" >&2; exit 1; }
echo "test-all: ./sluice dump printed $(wc -l <<<"$dump") lines"
