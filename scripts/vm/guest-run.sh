#!/bin/bash
# Stage 2 of the Sluice test VM, run as PID 1 on the host's root (read-only 9p + tmpfs overlay) after switch_root.
# Runs /run/sluice-vm/cmd (written by scripts/vm-test.sh), sends its output to /run/sluice-vm/output (the host streams
# that file), writes its exit code to /run/sluice-vm/exit, and powers the VM off.
share=/run/sluice-vm
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb SLUICE_VM=1
mkdir -p /dev/pts /dev/shm /sys/fs/cgroup /run/netns /var/run
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /dev/shm 2>/dev/null
hostname sluice-vm
ip link set lo up
echo "sluice-vm: booted in $(cut -d' ' -f1 /proc/uptime) s (kernel $(uname -r))" > "$share/output"
bash "$share/cmd" >> "$share/output" 2>&1 < /dev/null
rc=$?
echo "$rc" > "$share/exit.tmp" && mv "$share/exit.tmp" "$share/exit"
sync
exec /bin/busybox poweroff -f
