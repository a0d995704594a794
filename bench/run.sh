#!/bin/sh
# make bench: kqvm's benchmarks, each beside a baseline measured in the same
# run, printed as ratios. Runs where /dev/kvm works, or in the nested-KVM
# sandbox (scripts/kvm-sandbox.sh).
stage=build/bench-stage
rm -rf "$stage"
mkdir -p "$stage/build/guests" "$stage/bench"
cp build/kqvm.static "$stage/kqvm"
cp build/rawkvm.static "$stage/rawkvm"
cp build/guests/bench_pio.elf "$stage/build/guests/"
cp bench/pio.qvmconf bench/suite.sh "$stage/bench/"
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
awk -v where="$where" '
/^pio-exits: count/ {
    count = $3; khz = $5; raw = $7; kq = $9
    rate_raw = count / (raw / (khz * 1000.0)); rate_kq = count / (kq / (khz * 1000.0))
    printf "PIO exits from CPL 3, %d writes to a claimed port (%s), median of the runs\n", count, where
    printf "  %-28s %12.0f exits/s  %8.2f us/exit\n", "raw KVM loop (baseline)", rate_raw, 1e6 / rate_raw
    printf "  %-28s %12.0f exits/s  %8.2f us/exit\n", "kqvm", rate_kq, 1e6 / rate_kq
    printf "  ratio kqvm/baseline: %.3f\n", rate_kq / rate_raw
}
/^pio-exits: (raw|kqvm) runs/ { print "  " $0 }
' "$out"
