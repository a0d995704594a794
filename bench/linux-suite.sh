#!/bin/sh
# Inside the KVM machine: the Linux guest booted by kqvm, by kqvm with an i8042
# (examples/linux.qvmconf's machine) and by QEMU's microvm, in turn, ROUNDS
# times each, timed by ./boottime from the VMM's start to
# the guest's marker and to the VMM's exit. Prints "result linux VMM MARKER_MS
# EXIT_MS" per run; bench/linux-report.awk takes the medians and the ratios.
ROUNDS=${ROUNDS:-3}
MARKER=KQVM-LINUX-MARKER
# the same for both: the console on COM1, kernel messages at warning and above
CMDLINE="console=ttyS0 loglevel=4"

# QEMU as it was on the host, through its own dynamic loader and libraries
# (bench/linux.sh stages them); -L: its firmware (qboot), which it would
# otherwise look for beside the loader. Split at spaces where used.
QEMU="./qemu/lib/ld-linux-x86-64.so.2 --library-path ./qemu/lib ./qemu/qemu-system-x86_64 -L ./qemu/share"
# microvm with the devices kqvm's VM has (rtc: the mc146818); no option ROMs:
# qboot loads the kernel itself. -no-reboot: a guest reboot ends QEMU.
MICROVM="-M microvm,x-option-roms=off,isa-serial=on,rtc=on -enable-kvm -cpu host -m 256 -smp 2
 -nodefaults -no-user-config -nographic -serial stdio -no-reboot
 -kernel build/linux/bzImage -initrd build/linux/initramfs.cpio"

run() { # NAME COMMAND...: times it, "result linux NAME MARKER_MS EXIT_MS"
    name=$1
    shift
    # a boot that hangs (docs/linux-guests.md) costs this run, not the bench
    if ! timeout -s KILL 90 ./boottime "$MARKER" "$@" >"$name.out" 2>&1; then
        tail -n 5 "$name.out"
        echo "bench: a $name boot failed or hung; run left out"
        return
    fi
    sed -n "s/^boottime: marker \([0-9.]*\) exit \([0-9.]*\) .*/result linux $name \1 \2/p" "$name.out"
}

echo "result linux_kernel $(cat build/linux/kernel-package)"
echo "result linux_qemu $($QEMU --version | sed -n 's/^QEMU emulator version \([^ ]*\).*/\1/p')"
# QEMU's runs last: with KVM's in-kernel irqchip, which microvm uses, the
# sandbox's own kernel can hang (docs/linux-guests.md), losing what follows.
rounds() { # NAME COMMAND...: ROUNDS runs
    i=0
    while [ "$i" -lt "$ROUNDS" ]; do
        run "$@"
        i=$((i + 1))
    done
}
rounds kqvm ./kqvm @bench/linux.qvmconf "cmdline \"$CMDLINE\""
rounds kqvm-i8042 ./kqvm @bench/linux.qvmconf "cmdline \"$CMDLINE\"" "vdev pckeyboard"
# shellcheck disable=SC2086 # QEMU and MICROVM are split at spaces on purpose
rounds qemu $QEMU $MICROVM -append "$CMDLINE"
