#!/bin/sh
# Inside the arm64 KVM machine (scripts/kvm-sandbox.sh --arch arm64): two
# interrupts, each with KVM's vGIC and with kqvm's own GIC, run alternately
# ROUNDS times: the virtual timer's one-shots (the guest's own clock on both
# ends: the GIC path alone), and a forwarded SPI's round trip from the
# host-side model (tests/pass/passmodel.c). Prints one "result" line per run;
# bench/arm64/run.sh takes the medians and the ratios.
ROUNDS=${ROUNDS:-7}
PASS_ROUNDS=300
SHOTS=300
DELAY_US=500
regs=/tmp/passmodel.regs

run() { # NAME COMMAND...: runs it, keeps its output in NAME.out
    name=$1
    shift
    "$@" >"$name.out" 2>&1 || { cat "$name.out"; echo "bench: $name failed"; exit 1; }
}
# KIND NAME N: "result KIND NAME P50 P99 MAX USER KVM GIC" for N interrupts,
# the last three exits per interrupt x100: to kqvm, counted by KVM
# (kernel-handled ones too), and to kqvm's GIC model. The guest's console
# (pl011 exits) and its power-off are left out; the rest of its setup (a few
# tens of exits in all) is in.
figures() {
    kind=$1
    shift
    n=$2
    lat=$(sed -n 's/^bench_[a-z]*: .* p50 \([0-9]*\) p99 \([0-9]*\) max \([0-9]*\).*/\1 \2 \3/p' "$1.out")
    user=$(sed -n 's/.*exits: vcpu0 \([0-9]*\) (.*/\1/p' "$1.out")
    kvm=$(sed -n 's/.*exits: vcpu0 counted by KVM:.* exits \([0-9]*\).*/\1/p' "$1.out")
    uart=$(sed -n 's/.*exits: mmio by range: .*vdev pl011 0x9000000: \([0-9]*\).*/\1/p' "$1.out")
    gic=$(sed -n 's/.*exits: mmio by range: .*vdev gic 0x8010000: \([0-9]*\).*/\1/p' "$1.out")
    if [ -z "$lat" ] || [ -z "$user" ] || [ -z "$kvm" ]; then
        cat "$1.out"
        echo "bench: $1 printed no figures (latency '$lat', exits '$user', KVM's '$kvm')"
        exit 1
    fi
    other=$((${uart:-0} + 1))
    echo "result $kind $1 $lat $(((user - other) * 100 / n))" \
        "$(((kvm - other) * 100 / n)) $((${gic:-0} * 100 / n))"
}

targs="shots=$SHOTS delay_us=$DELAY_US"
pargs="test=1 rounds=$PASS_ROUNDS intid=40 flags=4"
i=0
while [ "$i" -lt "$ROUNDS" ]; do
    run vgic ./kqvm @bench/arm64/timer.qvmconf "cmdline \"$targs\""
    figures a64timer vgic "$SHOTS"
    run user-gic ./kqvm @bench/arm64/timer-user.qvmconf "cmdline \"$targs\""
    figures a64timer user-gic "$SHOTS"
    run vgic ./passmodel "$regs" ./kqvm @bench/arm64/pass.qvmconf "cmdline \"$pargs\""
    figures a64pass vgic "$PASS_ROUNDS"
    run user-gic ./passmodel "$regs" ./kqvm @bench/arm64/pass-user.qvmconf "cmdline \"$pargs\""
    figures a64pass user-gic "$PASS_ROUNDS"
    i=$((i + 1))
done
echo "result a64timer_args $SHOTS $DELAY_US"
echo "result a64pass_rounds $PASS_ROUNDS"
echo "result a64kernel $(uname -r)"
