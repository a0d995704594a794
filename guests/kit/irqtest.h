/* The interrupt tests' common part: a periodic (or one-shot) source, the
 * PIT's counter 0, an HPET timer or the RTC's periodic interrupt, delivered
 * through an I/O APIC pin found in the MADT or through the 8259 pair and
 * the local APIC's LINT0 (ExtINT). Set from the command line:
 *
 *   src=pit|hpet|rtc     the source (default: the guest's)
 *   via=ioapic|pic       the path (default ioapic)
 *   pin=N                I/O APIC pin (of ioapic=K, default 0) or 8259 IRQ;
 *                        default: the ISA IRQ's GSI (PIT 0, RTC 8, through
 *                        the MADT's overrides) or the HPET timer's lowest
 *                        INT_ROUTE_CAP bit
 *   ioapic=K             which MADT I/O APIC pin= counts on (default 0)
 *   rate=HZ              periodic rate (default PIT/HPET 500, RTC 512; the
 *                        RTC needs a power of two, 2-8192)
 *   trigger=edge|level   level: HPET only (Tn_INT_TYPE_CNF), status bit
 *                        cleared in the handler before the EOI
 *   polarity=high|low    the I/O APIC's pin polarity (default high)
 *   timer=K              HPET timer (default 0)
 *   hpet_mode=periodic|oneshot  oneshot: the handler moves the comparator
 *                        (default periodic when the timer can, else oneshot)
 *   hpet=ADDR            HPET base instead of the ACPI HPET table's
 *   calib=auto|cpuid|hpet|pit|none  TSC frequency source (auto: CPUID,
 *                        then a timer other than the source, then the
 *                        source's own device)
 *   slave=0|1            initialise the slave 8259 too (default 1)
 *   wait=hlt|spin        how the waits below wait (default hlt: sti; hlt,
 *                        woken by the interrupts and by a local APIC timer
 *                        tick, so the vCPU sleeps in the VMM instead of
 *                        spinning, which on hosts that emulate CPL 0 costs
 *                        a host CPU)
 *
 * Handlers run with interrupts off and must not print. */
#ifndef KIT_IRQTEST_H
#define KIT_IRQTEST_H

#include <stdint.h>

#include "acpi.h"
#include "hpet.h"
#include "ioapic.h"
#include "irq.h"
#include "kqvm_boot.h"

enum irqt_src { IRQT_PIT, IRQT_HPET, IRQT_RTC };
enum irqt_via { IRQT_IOAPIC, IRQT_PIC };

struct irqt {
    enum irqt_src src;
    enum irqt_via via;
    const char *src_name; /* "pit", "hpet", "rtc" */
    const char *via_name; /* "ioapic", "pic" */
    int level, active_low;
    uint32_t rate;        /* requested, Hz */
    uint64_t rate_mhz;    /* what the device was programmed to, milli-Hz */
    /* delivery */
    int have_madt;
    unsigned ioapic_index;
    struct ioapic io;
    uint32_t gsi;         /* I/O APIC: GSI; 8259: the IRQ's GSI on ioapic 0 */
    unsigned pin;         /* I/O APIC pin, or 8259 IRQ */
    uint8_t vector;
    int pic_slave, pic_ready;
    /* HPET */
    struct hpet hpet;
    unsigned hpet_timer;
    int hpet_periodic;
    uint64_t hpet_period, hpet_next;
    /* state */
    volatile int running;
    int spin;             /* wait=spin */
    uint64_t tsc_khz;     /* 0: unknown */
    const char *calib;    /* how tsc_khz was found */
};

extern struct acpi_madt_info irqt_madt;

/* Parses the words above (default_src when src= is absent; via >= 0, an
 * enum irqt_via, overrides via=), reads the ACPI tables, enables the local
 * APIC (spurious vector 0xff; the wait tick at vector 0xef), finds the source's
 * device and the delivery path, and initialises the 8259 pair (all masked)
 * when the MADT says PCAT_COMPAT or via=pic. Returns 0, or -1 after a
 * "KQVM-TEST: FAIL <test>.setup: ..." line. */
int irqt_init(struct irqt *t, const struct kqvm_boot_info *bi, const char *test,
              enum irqt_src default_src, int via);
/* Finds the TSC frequency (calib=); sets tsc_set_khz. Returns kHz or 0. */
uint64_t irqt_calibrate(struct irqt *t, const struct kqvm_boot_info *bi);
/* Installs fn for the source's vector and programs the path, masked.
 * Returns 0, or -1 after a FAIL line (the ELCR refused the trigger mode). */
int irqt_route(struct irqt *t, irq_fn fn, void *arg);
void irqt_mask(struct irqt *t);
void irqt_unmask(struct irqt *t);
/* Starts the source at t->rate. Returns 0, or -1 (prints why). */
int irqt_start(struct irqt *t);
/* One interrupt about us microseconds from now (HPET: comparator; PIT:
 * mode 0). Returns 0 or -1. */
int irqt_start_oneshot(struct irqt *t, uint64_t us);
/* In the handler: acknowledge the source (RTC: read C; HPET level: clear
 * the status bit; HPET one-shot mode: move the comparator on). */
void irqt_ack(struct irqt *t);
/* Stops the source (from a handler, too). */
void irqt_stop(struct irqt *t);
/* Waits, interrupts enabled, until *counter >= target or the TSC passes
 * deadline. Returns nonzero if the count was reached. Interrupts stay
 * enabled on return. */
int irqt_wait_count(struct irqt *t, const volatile unsigned *counter, unsigned target,
                    uint64_t deadline);
/* Waits, interrupts enabled, until the TSC passes deadline. */
void irqt_sleep_until(struct irqt *t, uint64_t deadline);
void irqt_sleep_us(struct irqt *t, uint64_t us);
/* One line: what is delivered how. */
void irqt_describe(const struct irqt *t, const char *prefix);
/* rate_mhz as "123.456" into buf. */
const char *irqt_fmt_mhz(char *buf, unsigned size, uint64_t mhz);

#endif
