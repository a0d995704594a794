#!/bin/sh
# The guest tests, run where /dev/kvm works (the host, or scripts/kvm-sandbox.sh's
# VM): each configuration here boots a guest under kqvm; its header says what
# must happen:
#   # expect-status: N       kqvm's exit status
#   # expect-output: TEXT    a line containing TEXT in kqvm's output (guest and log)
#   # reject-output: TEXT    no line contains TEXT
#   # expect-once: TEXT      exactly one line contains TEXT
#   # run-with: CMD ARGS     run kqvm as `CMD ARGS ./kqvm @config` (a host-side model);
#                            a line "KQVM-SKIP: REASON" from it skips the test
#   # expect-boots: N        (reset tests) wait for N boot lines, then SIGTERM kqvm
#   # expect-irq: CTRL:PIN LABEL   kqvm's counters (set irq-stats on) give CTRL:PIN
#                            a `delivered` count equal to the guest's `KQVM-IRQ LABEL <n>`,
#                            or up to 5% (at least 2) more: edge MSIs sent while the vector
#                            was still pending merge in the local APIC, out of kqvm's sight
#   # expect-irq-eoi: CTRL:PIN LABEL   the same with kqvm's `eoi` count, exactly: level
#                            lines, and every line with `set kernel-irqchip on` (kqvm's
#                            resample irqfd makes KVM report the EOIs of edge vectors too)
#   # expect-pass-traps: ADDR   kqvm's exit-stats count for its pass range at ADDR equals
#                            the guest's `KQVM-PASS traps <n>`: the slot page caused none
#   # expect-pass-storm: BUDGET CPU%   the guest's `KQVM-PASS storm irqs <n>` is within
#                            what a budget of BUDGET a second allows over the model's storm
#                            time (plus the burst), and kqvm used at most CPU% of a CPU
# Prints PASS/FAIL lines. Run from the staging root: ./kqvm, tests/guest/, build/guests/.
# GUEST_CONFIGS=DIR runs DIR/*.qvmconf instead (tests/arm64/run.sh).
KQVM=${KQVM:-./kqvm}
CONFIGS=${GUEST_CONFIGS:-tests/guest}
TIMEOUT=${GUEST_TIMEOUT:-60}
out=${TMPDIR:-/tmp}/guest-out.$$

header() { sed -n "s/^# $1: //p" "$2"; }

run_until_boots() { # $1 config, $2 boots wanted: kqvm runs in the background
    "$KQVM" "@$1" >"$out" 2>&1 &
    pid=$!
    i=0
    while [ "$i" -lt $((TIMEOUT * 5)) ]; do
        [ "$(grep -c 'test_reset: boot' "$out")" -ge "$2" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
        i=$((i + 1))
    done
    kill -TERM "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    boots=$(grep -c 'test_reset: boot' "$out")
    [ "$boots" -ge "$2" ] || why="$why; $boots boot(s), expected $2"
}

for conf in "$CONFIGS"/${GUEST_ONLY:-*}.qvmconf; do # GUEST_ONLY: a name pattern
    name=${conf##*/}
    name=${name%.qvmconf}
    echo "# running $name (uptime $(cut -d' ' -f1 /proc/uptime) s)"
    why=""
    boots=$(header expect-boots "$conf")
    if [ -n "$boots" ]; then
        run_until_boots "$conf" "$boots"
    else
        # shellcheck disable=SC2046 # run-with's words are split on purpose
        timeout -s KILL "$TIMEOUT" $(header run-with "$conf") "$KQVM" "@$conf" >"$out" 2>&1
        rc=$?
    fi
    skip=$(sed -n 's/^KQVM-SKIP: //p' "$out" | head -n 1)
    if [ -n "$skip" ]; then
        echo "SKIP guest $name: $skip"
        continue
    fi
    want=$(header expect-status "$conf")
    [ "$rc" = "${want:-0}" ] || why="$why; exit status $rc, expected ${want:-0}"
    while IFS= read -r text; do
        grep -qF -- "$text" "$out" || why="$why; no line with '$text'"
    done <<EOT
$(header expect-output "$conf")
EOT
    while IFS= read -r text; do
        [ -z "$text" ] || ! grep -qF -- "$text" "$out" || why="$why; a line with '$text'"
    done <<EOT
$(header reject-output "$conf")
EOT
    while IFS= read -r text; do
        [ -z "$text" ] || [ "$(grep -cF -- "$text" "$out")" -eq 1 ] ||
            why="$why; '$text' not exactly once"
    done <<EOT
$(header expect-once "$conf")
EOT
    # kqvm's count for a pin against the guest's: $1 pin, $2 label, $3 counter, $4 slack
    compare_irq() {
        guest=$(sed -n "s/^KQVM-IRQ $2 \([0-9]*\).*/\1/p" "$out" | head -n 1)
        host=$(sed -n "s/.*: irq $1 .* $3 \([0-9]*\) .*/\1/p" "$out" | head -n 1)
        if [ -z "$guest" ] || [ -z "$host" ]; then
            why="$why; no count for $1 (kqvm: '$host') or $2 (guest: '$guest')"
        elif [ "$host" -lt "$guest" ] || [ "$host" -gt $((guest + $4)) ]; then
            why="$why; $1 $3 $host, the guest counted $guest"
        fi
    }
    while read -r pin label; do
        [ -n "$pin" ] || continue
        n=$(sed -n "s/^KQVM-IRQ $label \([0-9]*\).*/\1/p" "$out" | head -n 1)
        slack=$(( ${n:-0} / 20 ))
        [ "$slack" -ge 2 ] || slack=2
        compare_irq "$pin" "$label" delivered "$slack"
    done <<EOT
$(header expect-irq "$conf")
EOT
    while read -r pin label; do
        [ -n "$pin" ] && compare_irq "$pin" "$label" eoi 0
    done <<EOT
$(header expect-irq-eoi "$conf")
EOT
    addr=$(header expect-pass-traps "$conf")
    if [ -n "$addr" ]; then
        guest=$(sed -n 's/^KQVM-PASS traps \([0-9]*\).*/\1/p' "$out" | head -n 1)
        host=$(sed -n "s/.*exits: mmio by range: .*pass $addr: \([0-9]*\).*/\1/p" "$out" | head -n 1)
        [ -n "$guest" ] && [ "$guest" = "$host" ] ||
            why="$why; $guest trapped accesses in the guest, kqvm counted '$host' at $addr"
    fi
    read -r budget cpu_max <<EOT
$(header expect-pass-storm "$conf")
EOT
    if [ -n "$budget" ]; then
        irqs=$(sed -n 's/^KQVM-PASS storm irqs \([0-9]*\).*/\1/p' "$out" | head -n 1)
        ms=$(sed -n 's/^passmodel: .*storm \([0-9]*\) ms.*/\1/p' "$out" | head -n 1)
        cpu=$(sed -n 's/^passmodel: .*in the storm (\([0-9]*\)%).*/\1/p' "$out" | head -n 1)
        if [ -z "$irqs" ] || [ -z "$ms" ] || [ -z "$cpu" ]; then
            why="$why; no storm figures (guest '$irqs', model '$ms' ms, '$cpu'%)"
        else
            allowed=$(( budget * ms / 1000 + budget / 10 + 2 ))
            [ "$irqs" -le "$allowed" ] || why="$why; $irqs interrupts in a $ms ms storm, at most $allowed allowed"
            [ "$cpu" -le "$cpu_max" ] || why="$why; kqvm used $cpu% of a CPU in the storm (at most $cpu_max%)"
        fi
    fi
    # a guest that reports a failed check fails its test
    grep -q '^KQVM-TEST: FAIL' "$out" && why="$why; the guest reported a failure"
    if [ -z "$why" ]; then
        echo "PASS ${SUITE:-guest} $name"
    else
        echo "FAIL ${SUITE:-guest} $name:${why#;}"
        tail -n 15 "$out" | sed 's/^/    /'
    fi
done
rm -f "$out"
