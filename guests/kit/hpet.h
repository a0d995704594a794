/* An HPET block (IA-PC HPET specification 1.0a), 32-bit accesses only (as
 * Linux does; a 64-bit register is read low, high, and low again).
 *   0x000 GCAP_ID: 0-7 revision, 8-12 last timer index, 13 64-bit counter,
 *         15 legacy replacement capable, 16-31 vendor, 32-63 period (fs)
 *   0x010 GEN_CONF: 0 ENABLE_CNF, 1 LEG_RT_CNF
 *   0x020 GINTR_STA: bit n = timer n's level-triggered interrupt is active
 *         (write 1 to clear; this deasserts the line)
 *   0x0f0 main counter
 *   0x100 + 0x20 * n timer n configuration: 1 level, 2 interrupt enable,
 *         3 periodic, 4 periodic capable, 5 64-bit capable, 6 VAL_SET,
 *         8 32-bit mode, 9-13 route (I/O APIC input), 14 FSB enable,
 *         15 FSB capable, 32-63 INT_ROUTE_CAP (bit n: input n allowed)
 *   0x108 + 0x20 * n comparator */
#ifndef KIT_HPET_H
#define KIT_HPET_H

#include <stdint.h>

#define HPET_DEFAULT_BASE 0xfed00000u

#define HPET_GCAP_ID    0x000
#define HPET_GEN_CONF   0x010
#define HPET_GINTR_STA  0x020
#define HPET_COUNTER    0x0f0
#define HPET_TN_CONF(n) (0x100 + 0x20 * (n))
#define HPET_TN_CMP(n)  (0x108 + 0x20 * (n))

#define HPET_CONF_ENABLE 0x1u
#define HPET_CONF_LEGACY 0x2u

#define HPET_TN_LEVEL      (1u << 1)
#define HPET_TN_INT_ENB    (1u << 2)
#define HPET_TN_PERIODIC   (1u << 3)
#define HPET_TN_PER_CAP    (1u << 4)
#define HPET_TN_64BIT_CAP  (1u << 5)
#define HPET_TN_VAL_SET    (1u << 6)
#define HPET_TN_32BIT      (1u << 8)
#define HPET_TN_ROUTE_SHIFT 9
#define HPET_TN_ROUTE_MASK (0x1fu << 9)
#define HPET_TN_FSB_EN     (1u << 14)

struct hpet {
    uint64_t base;
    uint32_t period_fs;  /* counter period in femtoseconds */
    unsigned ntimers;    /* last timer index + 1 */
    uint32_t cap_lo;     /* GCAP_ID bits 0-31 */
};

/* Reads GCAP_ID. Returns 0, or -1 when it makes no sense (all ones, a
 * period of 0 or above 100 ns). */
int hpet_init(struct hpet *h, uint64_t base);
uint32_t hpet_read32(const struct hpet *h, unsigned reg);
void hpet_write32(const struct hpet *h, unsigned reg, uint32_t v);
/* Counter ticks per second. */
uint64_t hpet_freq_hz(const struct hpet *h);
/* GEN_CONF.ENABLE_CNF on (legacy replacement off) or off. */
void hpet_enable(const struct hpet *h);
void hpet_disable(const struct hpet *h);
uint64_t hpet_counter(const struct hpet *h);
/* Only while the counter is halted. */
void hpet_set_counter(const struct hpet *h, uint64_t v);
/* Timer n's INT_ROUTE_CAP and configuration (low dword). */
uint32_t hpet_route_cap(const struct hpet *h, unsigned n);
uint32_t hpet_timer_conf(const struct hpet *h, unsigned n);

/* Programs timer n: route to I/O APIC input `route`, edge or level, and
 * either periodic (period ticks, first interrupt at comparator `first`,
 * needs HPET_TN_PER_CAP) or one-shot at comparator `first` (period 0).
 * Level: the timer's status bit is cleared before the interrupt is enabled.
 * Returns -1 if periodic was asked of a timer without the capability or
 * route is not in INT_ROUTE_CAP, else 0 (interrupt enabled). The main
 * counter is left as it is (halt it and reset it first for small values). */
int hpet_timer_start(const struct hpet *h, unsigned n, unsigned route, int level, uint64_t first,
                     uint64_t period);
/* One-shot: moves the comparator (for a handler that re-arms). */
void hpet_timer_set_cmp(const struct hpet *h, unsigned n, uint64_t cmp);
/* Interrupt disabled, periodic off (the comparator stays). */
void hpet_timer_stop(const struct hpet *h, unsigned n);
/* GINTR_STA, and clearing timer n's bit (write 1). */
uint32_t hpet_status(const struct hpet *h);
void hpet_clear_status(const struct hpet *h, unsigned n);
/* TSC ticks per millisecond against the main counter over about ms
 * milliseconds (the counter must be running), or 0. */
uint64_t hpet_calibrate_tsc_khz(const struct hpet *h, unsigned ms);

#endif
