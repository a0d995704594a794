#!/bin/sh
# Inside the KVM machine: every benchmark and its baseline, run alternately
# ROUNDS times. Prints one "result" line per run; bench/run.sh takes the
# medians (these machines are noisy) and the ratios.
ROUNDS=${ROUNDS:-7}
IRQ_ROUNDS=${IRQ_ROUNDS:-3}
PIO_COUNT=100000
IRQ_ARGS="rate=1000 count=2000 shots=500 delay_us=500"
PASS_ROUNDS=300

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

# pass-through: the model (tests/pass/passmodel.c) raises an interrupt when
# the guest asks (a write to its registers, no exit); the guest times the
# round trip. Exits to user space that are not port I/O (the guest's
# printing), per interrupt.
pass() { # NAME: "result pass NAME P50 P99 MAX EXITS_PER_IRQ_x100"
    lat=$(sed -n 's/^bench_pass: .* p50 \([0-9]*\) p99 \([0-9]*\) max \([0-9]*\).*/\1 \2 \3/p' "$1.out")
    raw=$(sed -n 's/^rawkvm: \([0-9]*\) exits (io \([0-9]*\)).*/\1 \2/p' "$1.out")
    kq=$(sed -n 's/.*exits: vcpu0 \([0-9]*\) (\(.*\))/\1 \2/p' "$1.out")
    if [ -n "$raw" ]; then
        set -- "$1" $raw
        other=$(($2 - $3))
    else
        total=${kq%% *}
        io=$(echo "$kq" | sed -n 's/^[0-9]* io \([0-9]*\).*/\1/p')
        other=$((total - ${io:-0}))
    fi
    [ -n "$lat" ] || { cat "$1.out"; echo "bench: $1 printed no figures"; exit 1; }
    echo "result pass $1 $lat $((other * 100 / PASS_ROUNDS))"
}
args="test=latency pin=11 rounds=$PASS_ROUNDS tsc_khz=$khz"
regs=/tmp/passmodel.regs
i=0
while [ "$i" -lt "$IRQ_ROUNDS" ]; do
    run raw-irqfd ./passmodel "$regs" ./rawkvm --irqfd 11:10 --map "0xd0000000:$regs" \
        build/guests/test_pass.elf "$args"
    pass raw-irqfd
    run kqvm-split ./passmodel "$regs" ./kqvm @bench/pass.qvmconf "cmdline \"$args\""
    pass kqvm-split
    run kqvm-kernel ./passmodel "$regs" ./kqvm @bench/pass-kernel.qvmconf "cmdline \"$args\""
    pass kqvm-kernel
    i=$((i + 1))
done
echo "result pass_rounds $PASS_ROUNDS"
