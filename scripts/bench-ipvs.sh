#!/usr/bin/env bash
# The IPVS benchmark, run inside the VM tier (this host kernel has no IPVS): builds backends-ipvs, boots the test VM
# once (scripts/vm-test.sh) and runs io.sluice.ipvs.vm.IpvsBench there, which times programming N virtual servers x 10
# real servers from empty through netlink, one endpoint change at that size, ipvsadm-restore of the same objects
# (reference) and IpvsBackend syncs, at a small and a large N. Then rewrites the "## IPVS" section of
# docs/benchmarks.md (other sections are kept).
#   scripts/bench-ipvs.sh [SMALL_N [LARGE_N]]      defaults 1000 10000
# Environment: SLUICE_BENCH_OUT (default docs/benchmarks.md), plus vm-test.sh's SLUICE_VM_* variables.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
small="${1:-1000}"
large="${2:-10000}"
out="${SLUICE_BENCH_OUT:-$root/docs/benchmarks.md}"
work="$root/backends-ipvs/target/vm-bench"
rm -rf "$work"
mkdir -p "$work"

# The guest sees the host's file system read-only at the same paths: classpath and results travel through target/.
"$root/scripts/vm/prepare-ipvs-tier.sh" "$work"
export SLUICE_VM_TIMEOUT="${SLUICE_VM_TIMEOUT:-2400}"
set +e
"$root/scripts/vm-test.sh" -- java -XX:+UseSerialGC -Xmx1536m -cp "$(cat "$work/classpath")" \
    io.sluice.ipvs.vm.IpvsBench "$small" "$large" 2>&1 | tee "$work/bench.log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ] || ! grep -q '^END IPVS BENCH' "$work/bench.log"; then
    echo "bench-ipvs: the benchmark failed (exit $rc); $out not changed" >&2
    exit 1
fi

kver="$(sed -n 's/^sluice-vm: booted in \([0-9.]*\) s (kernel \(.*\))$/\2/p' "$work/bench.log" | head -1)"
boot="$(sed -n 's/^sluice-vm: booted in \([0-9.]*\) s.*$/\1/p' "$work/bench.log" | head -1)"
date="$(sed -n 's/^measured on //p' "$work/bench.log" | tail -1)"
{
    echo "## IPVS"
    echo
    echo "Measured by \`scripts/bench-ipvs.sh $small $large\` on $date inside the VM tier: Debian kernel $kver under"
    echo "qemu **TCG** (software CPU emulation, no KVM; ${SLUICE_VM_CPUS:-2} vCPUs, ${SLUICE_VM_MEM:-2560} MiB; guest"
    echo "booted in ${boot} s) on a shared 2-core build machine. TCG makes every instruction and system call several times"
    echo "slower than on hardware, so read the absolute times as upper bounds and compare the ratios: the ratio column"
    echo "divides the time at N = $large by the time at N = $small (ideal: linear; a warm-up round runs first). The"
    echo "\`ipvsadm -R\` row programs the very same objects in the same run with the standard tool as a reference; it"
    echo "slows down with every service already loaded, so a run is stopped after 150 s (the cell then says how far it got)."
    echo
    sed -n '/^BEGIN IPVS BENCH$/,/^END IPVS BENCH$/p' "$work/bench.log" | sed '1d;$d'
    echo
    echo "Netlink rows use one request (and acknowledgement) per virtual or real server, as kube-proxy's IPVS client"
    echo "does. The backend rows include kube-ipvs0 address binding (rtnetlink), \`ipset restore\` and"
    echo "\`iptables-restore\`. The partial sync re-plans only the changed service (memoised per-service-port plans),"
    echo "reads from the kernel only the real servers of the virtual server losing one (graceful termination) and the host"
    echo "addresses (one rtnetlink dump), and writes only that real-server change: ipset entries and the iptables payload are"
    echo "diffed against what the last sync applied and not restored when unchanged. Its timing includes building the"
    echo "N-service snapshot it is given."
} > "$work/section.md"

# Replace the "## IPVS" section (up to the next "## " heading) in place, or append it.
touch "$out"
awk -v section="$work/section.md" '
    function emit() { while ((getline l < section) > 0) print l; close(section); done = 1 }
    /^## / { if (skipping) { skipping = 0; print "" } }
    /^## IPVS[[:space:]]*$/ { skipping = 1; emit(); next }
    !skipping { print }
    END { if (!done) { if (NR > 0) print ""; emit() } }
' "$out" > "$work/benchmarks.md"
if [ ! -s "$out" ]; then
    { echo "# Benchmarks"; echo; cat "$work/section.md"; } > "$work/benchmarks.md"
fi
mv "$work/benchmarks.md" "$out"
echo "bench-ipvs: wrote the IPVS section of $out" >&2
