/* Time from the TSC. The frequency comes from CPUID (0x15, 0x16, or the
 * hypervisor leaf 0x40000010); when none reports it, the kit assumes 4 GHz,
 * so that delays and timeouts are at least as long as asked on any slower
 * host. */
#ifndef KIT_TSC_H
#define KIT_TSC_H

#include <stdint.h>

/* TSC ticks per millisecond (estimated once, then cached). */
uint64_t tsc_khz(void);
/* Nonzero if tsc_khz() came from CPUID rather than the fallback. */
int tsc_khz_known(void);
/* Replaces the estimate with a measured one (e.g. pit_calibrate_tsc_khz,
 * hpet_calibrate_tsc_khz); tsc_khz_known() is then true. 0 is ignored. */
void tsc_set_khz(uint64_t khz);
/* The TSC value timeout_us microseconds from now. */
uint64_t tsc_deadline_us(uint64_t us);
/* Nonzero once rdtsc() has passed the deadline. */
int tsc_expired(uint64_t deadline);
void delay_us(uint64_t us);

#endif
