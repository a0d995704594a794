#!/bin/sh
# make bench: kqvm's benchmarks, each beside a baseline measured in the same
# run, printed as ratios. Runs where /dev/kvm works, or in the nested-KVM
# sandbox (scripts/kvm-sandbox.sh). Then the Linux guest's boot against QEMU's
# microvm (bench/linux.sh, its own sandbox run) and the arm64 ones
# (bench/arm64/run.sh, under qemu-system-aarch64; skipped without it).
stage=build/bench-stage
rm -rf "$stage"
mkdir -p "$stage/build/guests" "$stage/bench"
cp build/kqvm.static "$stage/kqvm"
cp build/rawkvm.static "$stage/rawkvm"
cp build/passmodel.static "$stage/passmodel"
cp build/guests/bench_pio.elf build/guests/bench_irq.elf build/guests/test_pass.elf "$stage/build/guests/"
cp bench/*.qvmconf bench/suite.sh "$stage/bench/"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
scripts/kvm-sandbox.sh --timeout 900 "$stage" -- sh bench/suite.sh >"$out" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
    cat "$out"
    echo "bench: the benchmark run failed (status $rc)"
    exit 1
fi
where="this host's KVM"
[ -r /dev/kvm ] && [ -w /dev/kvm ] || where="nested KVM in QEMU/TCG (no /dev/kvm here)"
awk -v where="$where" -f bench/median.awk -f bench/report.awk "$out"
echo
bench/linux.sh "$where"
linux=$?
echo
bench/arm64/run.sh || exit
exit "$linux"
