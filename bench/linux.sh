#!/bin/sh
# make bench, the Linux part: the Linux guest of scripts/linux-guest.sh booted
# by kqvm and by qemu-system-x86_64 -M microvm on the same KVM, kernel and
# initramfs (bench/linux-suite.sh), as medians and ratios. Its own sandbox
# run, with one L1 vCPU: with two, QEMU's SVM emulation sometimes delivers an
# injected interrupt twice, which deadlocks Linux guests.
# Usage: bench/linux.sh WHERE   (WHERE: where KVM runs, for the report)
# Skipped (status 0, with the reason) when the guest cannot be fetched or
# QEMU cannot be installed.
where=$1
scripts/linux-guest.sh
rc=$?
if [ "$rc" -eq 77 ]; then
    echo "Linux boot: skipped: the Linux guest cannot be fetched (scripts/linux-guest.sh)"
    exit 0
fi
[ "$rc" -eq 0 ] || { echo "bench: scripts/linux-guest.sh failed (status $rc)"; exit 1; }
if ! command -v qemu-system-x86_64 >/dev/null; then
    apt-get install -y -qq qemu-system-x86 >/dev/null 2>&1 || {
        echo "Linux boot: skipped: qemu-system-x86 is missing and cannot be installed"
        exit 0
    }
fi

stage=build/bench-linux-stage
rm -rf "$stage"
mkdir -p "$stage/bench" "$stage/build/linux" "$stage/qemu/lib" "$stage/qemu/share"
cp build/kqvm.static "$stage/kqvm"
cp build/boottime.static "$stage/boottime"
cp bench/linux.qvmconf bench/linux-suite.sh "$stage/bench/"
cp build/linux/bzImage build/linux/initramfs.cpio build/linux/kernel-package "$stage/build/linux/"
# The sandbox runs only what needs nothing from its root file system: QEMU
# goes in with every library ldd names and the dynamic loader, and qboot,
# microvm's firmware.
qemu=$(command -v qemu-system-x86_64)
cp "$qemu" "$stage/qemu/"
ldd "$qemu" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
    while read -r lib; do cp -L "$lib" "$stage/qemu/lib/"; done
cp -L "$(dirname "$qemu")/../share/qemu/bios-microvm.bin" "$stage/qemu/share/"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
scripts/kvm-sandbox.sh --smp 1 --timeout 400 "$stage" -- sh bench/linux-suite.sh >"$out" 2>&1
rc=$?
if [ "$rc" -eq 77 ]; then
    echo "Linux boot: skipped: the KVM sandbox is unavailable"
    exit 0
fi
# The sandbox's own kernel can hang with KVM's in-kernel irqchip, which
# microvm uses (docs/linux-guests.md): report the runs that finished.
if [ "$rc" -ne 0 ]; then
    grep -v '^result' "$out" | tail -n 5
    echo "bench: the Linux boot run stopped early (status $rc); the runs before it:"
    grep -q '^result linux [a-z]' "$out" || exit 1
fi
grep '^bench: ' "$out"
awk -v where="$where" -f bench/median.awk -f bench/linux-report.awk "$out"
