#!/bin/sh
# Inside the KVM machine: the PIO exit benchmark, kqvm against the raw-KVM
# baseline, run alternately ROUNDS times; the median run of each counts (these
# machines are noisy).
ROUNDS=${ROUNDS:-7}
COUNT=100000
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
cycles() { sed -n 's/^bench_pio: [0-9]* writes, \([0-9]*\) cycles.*/\1/p'; }
raw=""; kq=""; khz=""
i=0
while [ "$i" -lt "$ROUNDS" ]; do
    ./rawkvm build/guests/bench_pio.elf "count=$COUNT" >raw.out 2>&1 || { cat raw.out; exit 1; }
    raw="$raw $(cycles <raw.out)"
    khz=$(sed -n 's/.*guest TSC \([0-9]*\) kHz.*/\1/p' raw.out)
    ./kqvm @bench/pio.qvmconf >kq.out 2>&1 || { cat kq.out; exit 1; }
    kq="$kq $(cycles <kq.out)"
    i=$((i + 1))
done
raw_median=$(for c in $raw; do echo "$c"; done | median)
kq_median=$(for c in $kq; do echo "$c"; done | median)
echo "pio-exits: count $COUNT tsc_khz $khz raw_cycles $raw_median kqvm_cycles $kq_median"
echo "pio-exits: raw runs:$raw"
echo "pio-exits: kqvm runs:$kq"
