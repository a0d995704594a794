/* The 8254 PIT: counters at io:0x40-0x42, control word at io:0x43, and
 * port 0x61 (bit 0: counter 2 gate, bit 1: speaker data, bit 5: counter 2
 * output). Input clock 1193182 Hz. Counter 0's output is ISA IRQ 0. */
#ifndef KIT_PIT_H
#define KIT_PIT_H

#include <stdint.h>

#define PIT_HZ      1193182u
#define PIT_CH0     0x40
#define PIT_CH2     0x42
#define PIT_CMD     0x43
#define PIT_PORT_B  0x61

/* The divisor (1..65536, 65536 returned as such) closest to PIT_HZ / hz. */
uint32_t pit_divisor(uint32_t hz);
/* Counter 0 in mode 2 (rate generator: one pulse per divisor clocks),
 * lobyte/hibyte, binary. Returns the divisor used. */
uint32_t pit_start_periodic(uint32_t hz);
/* Counter 0 in mode 0 (interrupt on terminal count) after `ticks` clocks:
 * one rising edge. */
void pit_start_oneshot(uint32_t ticks);
/* Stops counter 0, as Linux does since 6.10: control word (mode 0), a
 * count of 0, the control word again. A datasheet 8254 stops at each
 * control word (OUT low, no count loaded). KVM's in-kernel PIT goes on with
 * its periodic timer after a bare control word; the count makes it a
 * one-shot instead, so one more edge can come 65536 clocks (54.9 ms) later:
 * mask the line before then. */
void pit_stop(void);
/* Latches and reads a counter (0-2). */
uint16_t pit_read_counter(unsigned counter);
/* Nonzero if an 8254 answers: counter 2, gated on, counts down. Leaves
 * counter 2 running (mode 2, count 65536) with the speaker off. Port I/O
 * on io:0x61 and io:0x42/0x43 only. */
int pit_probe(void);
/* TSC ticks per millisecond measured against counter 2 over about `ms`
 * milliseconds (at least 5), or 0 if the PIT does not count. A handful of
 * port reads: the time in between is spent reading the TSC only. */
uint64_t pit_calibrate_tsc_khz(unsigned ms);

#endif
