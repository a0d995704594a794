#!/bin/sh
# The command line: --help, --version, set ?, exit statuses, command-line words.
# Prints PASS/FAIL lines. Run from the repository root.
KQVM=${KQVM:-build/kqvm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # $1 name, $2 expected status, then the command
    name=$1 want=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL cli: $name: exit status $rc, expected $want"
        sed 's/^/    /' "$tmp/err" | head -5
        return 1
    fi
    return 0
}
contains() { # $1 name, $2 file, $3 fixed string
    if grep -qF -- "$3" "$2"; then echo "PASS cli: $1"; else
        echo "FAIL cli: $1: '$3' not in the output"; fi
}

check version 0 "$KQVM" --version && contains "--version" "$tmp/out" "kqvm "

if check help 0 "$KQVM" --help; then
    # every vdev type and every global option comes from the tables
    missing=""
    for v in ioapic 8259 timer8254 mc146818 hpet pckeyboard ser8250 pl011 gic virtio-blk \
        virtio-net virtio-console virtio-entropy shmem wdt-ib700 wdt-sp805 pci-dummy; do
        grep -q "^  $v " "$tmp/out" || missing="$missing $v"
    done
    for o in system ram rom cpu vdev load cmdline pass reserve set logger unsupported \
        tolerance dump dryrun safety; do
        grep -q "^  \(\[TYPE\] \)\?$o" "$tmp/out" || missing="$missing $o"
    done
    if [ -z "$missing" ]; then echo "PASS cli: --help lists every vdev and option"; else
        echo "FAIL cli: --help lacks:$missing"; fi
fi

check "help vdev" 0 "$KQVM" --help hpet && contains "--help hpet lists its options" "$tmp/out" "frequency HZ"
check "help unknown vdev" 2 "$KQVM" --help nosuch && contains "--help of an unknown vdev" "$tmp/err" "no vdev type 'nosuch'"

if check "set ?" 0 "$KQVM" set '?'; then
    missing=""
    for v in arch dryrun-format exit-on-halt fdt-dump-file gic-hwassist legacy-free \
        message-block-timeout posted-interrupts virtual-interrupts; do
        grep -q "^$v " "$tmp/out" || missing="$missing $v"
    done
    if [ -z "$missing" ]; then echo "PASS cli: set ? lists every variable"; else
        echo "FAIL cli: set ? lacks:$missing"; fi
    contains "set ? gives types, scopes, defaults" "$tmp/out" "exit-on-halt           boolean      all     on"
fi

check "no arguments" 2 "$KQVM" && contains "no arguments prints usage" "$tmp/err" "usage: kqvm"

check "words only" 0 "$KQVM" ram 64m cpu sched 8 cpu sched 6 dryrun &&
    contains "command-line words are configuration" "$tmp/out" "vcpu1   host CPUs any, scheduling round-robin priority 6"

check "config error status" 2 "$KQVM" ram 64q dryrun &&
    contains "command-line words have columns" "$tmp/err" "<command line>:1:7: error: invalid ram length '64q'"

check "json" 0 "$KQVM" ram 64m set dryrun-format json dryrun &&
    if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["memory_map"][0]["length"]==64<<20' "$tmp/out" 2>"$tmp/perr"; then
        echo "PASS cli: dryrun JSON parses and holds the map"
    else echo "FAIL cli: dryrun JSON: $(cat "$tmp/perr" | tail -1)"; fi

check "running a vdev without a model is refused" 2 "$KQVM" ram 64m load tests/configs/files/tiny.bin vdev wdt-ib700 &&
    contains "running names the vdev" "$tmp/err" "vdev wdt-ib700 (<command line>:1:48): its device model is not built yet"
check "set ? after an error" 2 "$KQVM" bogus set '?'
check "running without KVM" 1 "$KQVM" ram 64m load tests/configs/files/tiny.bin
# PCI pass-through of a device this host cannot have: the device is named
# before anything else is opened (VFIO, KVM).
check "a PCI device that is not there" 1 "$KQVM" ram 64m load tests/configs/files/tiny.bin \
    pass loc pci:0:3.0=pci:ffff:ff:1f.7 &&
    contains "the missing PCI device is named" "$tmp/err" \
        "no PCI device ffff:ff:1f.7 on this host (/sys/bus/pci/devices/ffff:ff:1f.7 does not exist)"
