#!/usr/bin/env bash
# Builds the Sluice test VM's initramfs: static busybox, scripts/vm/init, and the modules stage 1 needs to mount the
# host root over virtio-9p under an overlay, taken from the installed Debian kernel (decompressed when shipped as
# .ko.xz / .ko.zst). Usage: build-initramfs.sh KERNEL_VERSION OUTPUT.cpio.gz
set -euo pipefail
kver="$1"
out="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Load order matters: insmod does not resolve dependencies.
modules=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p
         overlay)

busybox=/bin/busybox
[ -x "$busybox" ] || { echo "build-initramfs: $busybox missing (apt-get install busybox-static)" >&2; exit 1; }
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/dev" "$stage/modules" "$stage/proc" "$stage/sys"
cp "$busybox" "$stage/bin/busybox"
cp "$here/init" "$stage/init"
chmod 0755 "$stage/init" "$stage/bin/busybox"
mknod -m 0600 "$stage/dev/console" c 5 1 2>/dev/null || true

moddir="/lib/modules/$kver"
for m in "${modules[@]}"; do
    # Module names use '_' where a file name may use '-'.
    f="$(find "$moddir/kernel" \( -name "$m.ko*" -o -name "${m//_/-}.ko*" \) -print -quit)"
    if [ -z "$f" ]; then
        # Built into this kernel: nothing to load.
        grep -q "/${m}.ko" "$moddir/modules.builtin" 2>/dev/null && continue
        echo "build-initramfs: module $m not found under $moddir" >&2
        exit 1
    fi
    case "$f" in
        *.ko) cp "$f" "$stage/modules/$m.ko" ;;
        *.ko.xz) xz -dc "$f" > "$stage/modules/$m.ko" ;;
        *.ko.zst) zstd -qdc "$f" > "$stage/modules/$m.ko" ;;
        *.ko.gz) gzip -dc "$f" > "$stage/modules/$m.ko" ;;
        *) echo "build-initramfs: unknown module format $f" >&2; exit 1 ;;
    esac
    echo "$m" >> "$stage/modules/order"
done

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | "$busybox" cpio -o -H newc 2>/dev/null) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
