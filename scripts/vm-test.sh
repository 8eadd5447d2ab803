#!/usr/bin/env bash
# The VM test tier: boots the installed Debian kernel under qemu (TCG; KVM is not used) with the host's root file system
# mounted read-only over 9p (plus a tmpfs overlay so the guest can write anywhere), runs one command inside, streams its
# output and exits with its exit code. The repository is visible at the same path inside the guest. This kernel has IPVS
# and dummy interfaces, which the host kernel of the build machine lacks.
#
#   scripts/vm-test.sh [--] COMMAND [ARG...]   run COMMAND (argv, no shell) in the repository's directory in the VM
#   scripts/vm-test.sh --smoke                 built-in checks: ip_vs, ipvsadm, a dummy link, java -version
#   scripts/vm-test.sh --ipvs-tier [REGEX]     build backends-ipvs (offline) and run every *VmTest in one JVM
#                                              (or only the test classes whose name matches REGEX)
#
# Environment: SLUICE_VM_CACHE (default /var/cache/sluice-vm: vmlinux + initramfs per kernel version),
# SLUICE_VM_TIMEOUT (seconds, default 900), SLUICE_VM_MEM (MiB, default 2560), SLUICE_VM_CPUS (default 2),
# SLUICE_VM_TCG_THREAD (default single: under multi-threaded TCG a JVM once died with SIGSEGV at the entry of a
# JIT-compiled method, i.e. cross-modifying code, which a single TCG thread serializes), SLUICE_VM_CPU_MODEL (default
# max), SLUICE_VM_CONSOLE=1 prints the kernel console afterwards, SLUICE_VM_KEEP=1 keeps the run directory.
# Installs qemu-system-x86 linux-image-amd64 busybox-static ipvsadm ipset (and friends) when missing (needs root).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vmdir="$root/scripts/vm"
cache="${SLUICE_VM_CACHE:-/var/cache/sluice-vm}"
timeout_s="${SLUICE_VM_TIMEOUT:-900}"
mem="${SLUICE_VM_MEM:-2560}"
cpus="${SLUICE_VM_CPUS:-2}"

log() { echo "vm-test: $*" >&2; }
die() { log "$*"; exit 2; }

packages=(qemu-system-x86 linux-image-amd64 busybox-static ipvsadm ipset iproute2 iptables kmod python3 xz-utils)

ensure_packages() {
    local missing=() p
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" = 0 ] || die "missing packages ${missing[*]} and not root: apt-get install -y ${missing[*]}"
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# The newest installed Debian kernel that has its modules.
kernel_version() {
    local v best=""
    for v in $(ls /boot/vmlinuz-* 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V); do
        [ -f "/lib/modules/$v/modules.dep" ] && best="$v"
    done
    [ -n "$best" ] || die "no /boot/vmlinuz-* with /lib/modules/<version>/modules.dep (install linux-image-amd64)"
    echo "$best"
}

# Decompresses the bzImage payload (like the kernel's scripts/extract-vmlinux): booting the ELF directly through its
# PVH entry point saves the in-guest decompression, about half the boot time under TCG.
extract_vmlinux() {
    local image="$1" out="$2" pos magic
    for magic in $'\xfd7zXZ\x00' $'\x28\xb5\x2f\xfd' $'\x1f\x8b\x08'; do
        for pos in $(LC_ALL=C grep -abo "$magic" "$image" | cut -d: -f1); do
            case "$magic" in
                $'\xfd7zXZ\x00') tail -c+"$((pos + 1))" "$image" | xz -dc > "$out.tmp" 2>/dev/null || true ;;
                $'\x28\xb5\x2f\xfd') tail -c+"$((pos + 1))" "$image" | zstd -qdc > "$out.tmp" 2>/dev/null || true ;;
                *) tail -c+"$((pos + 1))" "$image" | gzip -dc > "$out.tmp" 2>/dev/null || true ;;
            esac
            if [ "$(head -c4 "$out.tmp" | od -An -tx1 | tr -d ' \n')" = "7f454c46" ]; then
                mv "$out.tmp" "$out"
                return 0
            fi
        done
    done
    rm -f "$out.tmp"
    return 1
}

prepare() {
    ensure_packages
    kver="$(kernel_version)"
    local dir="$cache/$kver"
    mkdir -p "$dir"
    exec 9>"$cache/.lock"
    flock 9
    kernel="$dir/vmlinux"
    if [ ! -s "$kernel" ] || [ "/boot/vmlinuz-$kver" -nt "$kernel" ]; then
        log "extracting vmlinux from /boot/vmlinuz-$kver"
        extract_vmlinux "/boot/vmlinuz-$kver" "$kernel" || { log "no ELF payload found; booting the bzImage"; \
            cp "/boot/vmlinuz-$kver" "$kernel"; }
    fi
    initrd="$dir/initramfs.cpio.gz"
    local stamp
    stamp="$(cat "$vmdir/init" "$vmdir/build-initramfs.sh" /bin/busybox | sha256sum | cut -c1-16)"
    if [ ! -s "$initrd" ] || [ "$(cat "$dir/initramfs.stamp" 2>/dev/null)" != "$stamp" ]; then
        log "building the initramfs for $kver"
        "$vmdir/build-initramfs.sh" "$kver" "$initrd"
        echo "$stamp" > "$dir/initramfs.stamp"
    fi
    flock -u 9
}

# Boots the VM with $run/cmd as the guest command; sets vm_rc.
boot() {
    local run="$1" qpid t0 t1
    cp "$vmdir/guest-run.sh" "$run/guest-run.sh"
    t0=$(date +%s.%N)
    # stdin is /dev/null and nothing uses stdio: the console goes to a file, the command's output to the share.
    timeout -k 10 "$timeout_s" qemu-system-x86_64 \
        -nodefaults -no-user-config -display none -no-reboot \
        -machine pc -accel "tcg,thread=${SLUICE_VM_TCG_THREAD:-single}" -cpu "${SLUICE_VM_CPU_MODEL:-max}" -smp "$cpus" -m "$mem" \
        -kernel "$kernel" -initrd "$initrd" \
        -append "console=ttyS0 quiet loglevel=3 panic=-1 random.trust_cpu=on rdinit=/init" \
        -serial "file:$run/console.log" \
        -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
        -virtfs "local,path=$run,mount_tag=sluicevm,security_model=none" \
        < /dev/null > "$run/qemu.log" 2>&1 &
    qpid=$!
    tail -s 0.2 -n +1 -F --pid="$qpid" "$run/output" 2>/dev/null || true
    set +e
    wait "$qpid"
    local qrc=$?
    set -e
    t1=$(date +%s.%N)
    if [ "${SLUICE_VM_CONSOLE:-0}" = 1 ]; then
        log "kernel console:"; cat "$run/console.log" >&2
    fi
    if [ -f "$run/exit" ]; then
        vm_rc="$(cat "$run/exit")"
        log "guest command exited $vm_rc; VM ran $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s"
    else
        [ "$qrc" = 124 ] && log "TIMEOUT: the VM was killed after ${timeout_s} s"
        log "the guest did not report an exit code (qemu exit $qrc); console tail:"
        tail -n 40 "$run/console.log" >&2 || true
        cat "$run/qemu.log" >&2 || true
        vm_rc=125
    fi
}

# Writes an argv as a guest script that runs it from the current directory.
write_argv_cmd() {
    local file="$1"; shift
    {
        echo "set -e"
        printf 'cd %q\n' "$PWD"
        printf 'exec'
        printf ' %q' "$@"
        echo
    } > "$file"
}

mode=argv
case "${1:-}" in
    --smoke) mode=smoke; shift ;;
    --ipvs-tier) mode=ipvs-tier; shift ;;
    --) shift ;;
    -h|--help|"") awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
        [ -n "${1:-}" ]; exit $? ;;
esac

prepare
mkdir -p "$cache/runs"
run="$(mktemp -d "$cache/runs/run.XXXXXX")"
trap '[ "${SLUICE_VM_KEEP:-0}" = 1 ] && log "kept $run" || rm -rf "$run"' EXIT

case "$mode" in
    smoke)
        cp "$vmdir/smoke.sh" "$run/cmd" ;;
    ipvs-tier)
        "$vmdir/prepare-ipvs-tier.sh" "$run"
        write_argv_cmd "$run/cmd" bash "$vmdir/run-ipvs-tier.sh" "$run" "$@" ;;
    argv)
        write_argv_cmd "$run/cmd" "$@" ;;
esac
boot "$run"
exit "$vm_rc"
