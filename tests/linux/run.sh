#!/bin/sh
# The Linux guest tests: Debian's cloud kernel and the busybox initramfs of
# scripts/linux-guest.sh, booted by kqvm from each configuration here, checked
# by tests/guest/suite.sh (same headers). Where /dev/kvm works they run
# directly, otherwise in scripts/kvm-sandbox.sh's nested-KVM VM, with one TCG
# vCPU: with two, QEMU's SVM emulation sometimes delivers an injected
# interrupt twice, which deadlocks Linux (docs/architecture.md).
# Prints PASS/FAIL/SKIP lines. Run from the repository root after
# `make all build/kqvm.static`.
skip_all() {
    for conf in tests/linux/*.qvmconf; do
        name=${conf##*/}
        echo "SKIP linux ${name%.qvmconf}: $1"
    done
    exit 0
}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
scripts/linux-guest.sh >"$log" 2>&1 || skip_all "no Linux guest ($(tail -n 1 "$log"))"
stage=build/linux-stage
rm -rf "$stage"
mkdir -p "$stage/tests" "$stage/build/linux"
cp build/kqvm.static "$stage/kqvm"
cp -r tests/linux tests/guest "$stage/tests/"
cp build/linux/bzImage build/linux/initramfs.cpio "$stage/build/linux/"
# One sandbox per configuration, 100 s each (a boot takes about 10 s). The
# sandbox's own kernel hangs now and then under these boots (its timers stop,
# so the suite's own timeout never fires; docs/linux-guests.md): a sandbox
# that times out (status 124) without a verdict is the machine failing, not
# the test, and the test runs again, up to five times.
for conf in tests/linux/*.qvmconf; do
    name=${conf##*/}
    name=${name%.qvmconf}
    for attempt in 1 2 3 4 5; do
        scripts/kvm-sandbox.sh --smp 1 --timeout 100 "$stage" -- env GUEST_CONFIGS=tests/linux \
            GUEST_ONLY="$name" GUEST_TIMEOUT=60 SUITE=linux sh tests/guest/suite.sh >"$log" 2>&1
        rc=$?
        [ "$rc" -eq 124 ] && ! grep -q '^PASS\|^FAIL' "$log" || break
        echo "# linux $name: the sandbox hung (attempt $attempt)"
    done
    [ "$rc" -eq 77 ] && skip_all "no KVM here and no sandbox ($(tail -n 1 "$log"))"
    grep -v '^# running' "$log"
    if [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$log"; then
        echo "FAIL linux $name: the sandbox exited with status $rc ($(tail -n 1 "$log"))"
    fi
done
exit 0
