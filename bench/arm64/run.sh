#!/bin/sh
# The arm64 part of `make bench`: the virtual timer's interrupt and a
# forwarded (pass-through) interrupt, each through KVM's vGIC (the baseline)
# and through kqvm's own GICv2, run by bench/arm64/suite.sh on an arm64 host
# with /dev/kvm or else inside qemu-system-aarch64 (scripts/kvm-sandbox.sh
# --arch arm64: KVM at an emulated EL2 under TCG, where only the ratios
# mean something). Prints medians and ratios, or one "skipped" line when the
# cross build or QEMU is missing (it installs neither).
cd "$(dirname "$0")/../.." || exit 1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
skip() {
    echo "arm64 bench: skipped ($1)"
    exit 0
}

if ! { [ "$(uname -m)" = aarch64 ] && [ -w /dev/kvm ]; } && ! command -v qemu-system-aarch64 >/dev/null; then
    skip "no arm64 KVM here and qemu-system-aarch64 is missing"
fi
if ! scripts/arm64-build.sh >"$out" 2>&1; then
    tail -n 1 "$out" | grep -q '^arm64 cross build unavailable' && skip "$(tail -n 1 "$out")"
    cat "$out"
    echo "arm64 bench: the cross build failed"
    exit 1
fi
stage=build/bench-arm64-stage
rm -rf "$stage"
mkdir -p "$stage/bench" "$stage/build"
cp build/arm64/kqvm.static "$stage/kqvm"
cp build/arm64/passmodel.static "$stage/passmodel"
cp -r bench/arm64 "$stage/bench/"
cp -r build/arm64/guests-arm64 "$stage/build/"
scripts/kvm-sandbox.sh --arch arm64 --timeout 600 "$stage" -- sh bench/arm64/suite.sh >"$out" 2>&1
rc=$?
[ "$rc" -eq 77 ] && skip "$(tail -n 1 "$out")"
if [ "$rc" -ne 0 ]; then
    cat "$out"
    echo "arm64 bench: the benchmark run failed (status $rc)"
    exit 1
fi
where="KVM on this arm64 host"
[ "$(uname -m)" = aarch64 ] && [ -w /dev/kvm ] ||
    where="KVM at an emulated EL2 in qemu-system-aarch64/TCG: only the ratios mean something"
awk -v where="$where" -f bench/median.awk -f bench/arm64/report.awk "$out"
