#!/bin/sh
# Runs the interrupt guests under qemu (run.sh), as close to
# tests/guest/irq-*.qvmconf as qemu's own PC devices allow:
#   - qemu's PIT is ISA IRQ 0 = I/O APIC pin 2 (an override in the MADT that
#     mkboot.py writes), kqvm's is ioa0:0: pin=2 where the configuration has
#     pin=0 for the I/O APIC;
#   - qemu's HPET routes to GSI 2 only (pc) or 2, 8, 16-23 (q35): q35 and
#     pin=20 where the configuration has timer 2 on ioa0:10;
#   - one I/O APIC at 0xfec00000 whose ID register is 0: test_madt with
#     ioapic_ids=0 isos=1 (irq-madt's two I/O APICs and irq-ioapic2 cannot
#     be reproduced);
#   - no kernel-irqchip variants: qemu's 8259 and I/O APIC are the
#     reference for both.
#   guests/qemu/irq.sh [NAME...]     (BUILD as for run.sh)
# Prints each guest's KQVM- lines and PASS/FAIL per run; exit 1 if any failed.
here=$(cd "$(dirname "$0")" && pwd)
elfs=${BUILD:-build}/guests
fails=0
run() { # name machine ncpus elf cmdline
    [ -n "$only" ] && case " $only " in *" $1 "*) ;; *) return ;; esac
    out=$(QEMU_MACHINE=$2 "$here/run.sh" -t 60 -c "$3" -a "$5" "$elfs/$4.elf" 2>&1)
    rc=$?
    printf '%s\n' "$out" | grep -E '^(KQVM-|test_irq: rate)' | sed "s/^/  $1: /"
    if [ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -q '^KQVM-TEST: DONE' &&
        ! printf '%s\n' "$out" | grep -q '^KQVM-TEST: FAIL'; then
        echo "PASS qemu $1 ($2: $5)"
    else
        echo "FAIL qemu $1 (status $rc; $2: $5)"
        fails=$((fails + 1))
    fi
}
only="$*"
run irq-pit-ioapic pc 1 test_irq "src=pit via=ioapic pin=2 rate=500 count=200"
run irq-pit-pic pc 1 test_irq "src=pit via=pic pin=0 rate=500 count=200"
run irq-hpet-ioapic q35 1 test_irq "src=hpet via=ioapic timer=2 pin=20 rate=500 count=200"
run irq-hpet-ioapic-level q35 1 test_irq "src=hpet via=ioapic timer=2 pin=20 trigger=level rate=500 count=200"
run irq-rtc-ioapic pc 1 test_irq "src=rtc via=ioapic pin=8 rate=512 count=200"
run irq-level q35 1 test_irq_level "timer=2 pin=20"
run irq-mask pc 1 test_irq_mask "src=pit via=both rate=500"
run irq-madt pc 2 test_madt "ioapics=0xfec00000 cpus=2 pcat=1 isos=1 ioapic_ids=0 hpet=0xfed00000"
# beyond the configurations
run pit-pic-1000hz pc 1 test_irq "src=pit via=pic rate=1000 count=200"
run rtc-pic pc 1 test_irq "src=rtc via=pic rate=1024 count=200"
run hpet-oneshot q35 1 test_irq "src=hpet timer=1 pin=18 hpet_mode=oneshot rate=500 count=200"
run hpet-pic q35 1 test_irq "src=hpet timer=1 via=pic pin=8 rate=500 count=200"
run hpet-level-oneshot q35 1 test_irq "src=hpet timer=0 pin=17 trigger=level hpet_mode=oneshot"
run mask-rtc pc 1 test_irq_mask "src=rtc via=both rate=256"
run mask-hpet-level q35 1 test_irq_mask "src=hpet timer=2 pin=21 trigger=level"
run level-timer0 q35 1 test_irq_level "timer=0 pin=8"
[ "$fails" -eq 0 ]
