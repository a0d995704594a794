/* Bringing up the other vCPUs (application processors, APs).
 *
 * smp_start_aps copies a real-mode trampoline to a free RAM page below 1 MiB
 * (SMP_TRAMPOLINE_ADDR, 0x10000, unless the memory map says otherwise), then
 * for each APIC ID 1..ncpus-1 sends INIT, waits 10 ms, and sends STARTUP IPIs
 * (a second one only if the AP has not started running the trampoline after
 * 200 us) through the xAPIC at 0xfee00000. The trampoline goes
 * real mode -> 32-bit protected mode -> long mode with the boot page tables
 * (boot info page_tables), takes the stack of its APIC ID, loads the kit's
 * GDT and IDT and calls fn(apic_id). When fn returns, the AP halts for good
 * (cli; hlt).
 *
 * APs may use kprintf (it is serialized) but not user_call (one TSS). */
#ifndef KIT_SMP_H
#define KIT_SMP_H

#include <stdint.h>

#include "kqvm_boot.h"

#define SMP_MAX_CPUS        64
#define SMP_STACK_SIZE      8192
#define SMP_TRAMPOLINE_ADDR 0x10000u /* just above the boot data area */
#define LAPIC_BASE          0xfee00000u

typedef void (*smp_ap_fn)(unsigned apic_id);

/* Starts every AP and waits up to timeout_ms for all of them to reach C.
 * Returns the number that did (ncpus - 1 on success), or -1 if the
 * trampoline cannot be set up (no free RAM page below 1 MiB, or boot page
 * tables above 4 GiB; the reason is printed). */
int smp_start_aps(const struct kqvm_boot_info *bi, smp_ap_fn fn, unsigned timeout_ms);
/* APs that have reached C, and APs whose fn has returned. */
unsigned smp_aps_online(void);
unsigned smp_aps_done(void);
/* Waits up to timeout_ms for n APs to return from fn; nonzero on success. */
int smp_wait_done(unsigned n, unsigned timeout_ms);
/* This vCPU's local APIC ID (xAPIC ID register). */
unsigned smp_apic_id(void);

#endif
