#!/bin/sh
# Host side of the guest tests: stage kqvm (static), the guests and the
# configurations, and run tests/guest/suite.sh where /dev/kvm works: directly,
# or in scripts/kvm-sandbox.sh's nested-KVM VM. Prints PASS/FAIL/SKIP lines.
# Run from the repository root after `make all build/kqvm.static`.
stage=build/guest-stage
rm -rf "$stage"
mkdir -p "$stage/tests" "$stage/build"
cp build/kqvm.static "$stage/kqvm"
cp build/passmodel.static "$stage/passmodel"
cp -r tests/guest "$stage/tests/"
cp -r build/guests "$stage/build/"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# QEMU's edu device gives the UIO pass-through tests a real PCI device
KVM_SANDBOX_QEMU_ARGS="${KVM_SANDBOX_QEMU_ARGS:+$KVM_SANDBOX_QEMU_ARGS }-device edu" \
    scripts/kvm-sandbox.sh --timeout 900 "$stage" -- sh tests/guest/suite.sh >"$log" 2>&1
rc=$?
if [ "$rc" -eq 77 ]; then
    reason=$(tail -n 1 "$log")
    for conf in tests/guest/*.qvmconf; do
        name=${conf#tests/guest/}
        echo "SKIP guest ${name%.qvmconf}: no KVM here and no sandbox ($reason)"
    done
    exit 0
fi
grep -v '^# running' "$log"
if [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$log"; then
    echo "FAIL guest suite: the sandbox exited with status $rc (last: $(grep '^# running' "$log" | tail -n 1))"
fi
exit 0
