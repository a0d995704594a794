#!/bin/sh
# Inside the KVM machine: every benchmark and its baseline, run alternately
# ROUNDS times. Prints one "result" line per run; bench/run.sh takes the
# medians (these machines are noisy) and the ratios.
ROUNDS=${ROUNDS:-7}
IRQ_ROUNDS=${IRQ_ROUNDS:-3}
PIO_COUNT=100000
IRQ_ARGS="rate=1000 count=2000 shots=500 delay_us=500"

run() { # NAME COMMAND...: runs it, keeps its output in NAME.out
    name=$1
    shift
    "$@" >"$name.out" 2>&1 || { cat "$name.out"; echo "bench: $name failed"; exit 1; }
}
pio() { # NAME: "result pio NAME CYCLES"
    sed -n "s/^bench_pio: [0-9]* writes, \([0-9]*\) cycles.*/result pio $1 \1/p" "$1.out"
}
irq() { # NAME: "result irq NAME HZ LOST P50 P99 MAX"
    hz=$(sed -n 's/^bench_irq: rate .* delivered \([0-9.]*\) Hz lost \([0-9]*\).*/\1 \2/p' "$1.out")
    lat=$(sed -n 's/^bench_irq: oneshot .* p50 \([0-9]*\) p99 \([0-9]*\) max \([0-9]*\).*/\1 \2 \3/p' "$1.out")
    [ -n "$hz" ] && [ -n "$lat" ] || { cat "$1.out"; echo "bench: $1 printed no figures"; exit 1; }
    echo "result irq $1 $hz $lat"
}

i=0
while [ "$i" -lt "$ROUNDS" ]; do
    run raw ./rawkvm build/guests/bench_pio.elf "count=$PIO_COUNT"
    pio raw
    run kqvm ./kqvm @bench/pio.qvmconf
    pio kqvm
    i=$((i + 1))
done
khz=$(sed -n 's/.*guest TSC \([0-9]*\) kHz.*/\1/p' raw.out)
echo "result tsc_khz $khz"
echo "result pio_count $PIO_COUNT"

args="$IRQ_ARGS tsc_khz=$khz"
i=0
while [ "$i" -lt "$IRQ_ROUNDS" ]; do
    run raw-kernel-pit ./rawkvm --kernel-pit build/guests/bench_irq.elf "$args"
    irq raw-kernel-pit
    run kqvm-split ./kqvm @bench/irq.qvmconf "cmdline \"$args\""
    irq kqvm-split
    run kqvm-kernel ./kqvm @bench/irq-kernel.qvmconf "cmdline \"$args\""
    irq kqvm-kernel
    i=$((i + 1))
done
echo "result irq_args $IRQ_ARGS"
