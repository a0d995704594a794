/* What the timer vdevs (timer8254, hpet, mc146818) share: a host timer on the
 * VM's event loop that a guest cannot make fire faster than 100 kHz, and
 * overflow-safe conversions between nanoseconds and device ticks.
 *
 * The models keep no ticking state: counts and flags are derived from the
 * elapsed time (event_now) whenever the guest looks, and the host timer only
 * exists to raise interrupts on time. Periods a late host timer skipped are
 * coalesced: one interrupt per expiry, the rest counted. */
#ifndef KQVM_VDEV_TIMER_COMMON_H
#define KQVM_VDEV_TIMER_COMMON_H

#include "irq/irq.h"
#include "vm/event.h"

#include <stdbool.h>
#include <stdint.h>

#define TIMER_NEVER UINT64_MAX
#define TIMER_NS_PER_S 1000000000ull
/* The host timer fires at most once per 10 us (100 kHz), whatever the guest
 * programs: faster guest periods are coalesced. */
#define TIMER_MIN_PERIOD_NS 10000ull
/* A far deadline is armed at most this far ahead; the callback looks again. */
#define TIMER_MAX_SLEEP_NS (60ull * TIMER_NS_PER_S)

struct host_timer {
    struct event_timer t;
    struct event_loop *loop;
    /* Guarded by the owning device's lock: */
    uint64_t armed;     /* the deadline it is armed for, TIMER_NEVER when not armed */
    uint64_t last_fire; /* when the callback last ran */
    uint64_t coalesced; /* expiries merged into one interrupt (late or too fast) */
};

void host_timer_init(struct host_timer *h, struct event_loop *loop, void (*fn)(void *arg),
                     void *arg);
/* First thing in the callback, with the device locked: the timer is no longer armed. */
void host_timer_fired(struct host_timer *h, uint64_t now);
/* Arm for a guest event due at `due` (CLOCK_MONOTONIC ns; TIMER_NEVER: none,
 * the timer is cancelled). Not sooner than TIMER_MIN_PERIOD_NS after the last
 * expiry, not later than TIMER_MAX_SLEEP_NS from now. Device locked. */
void host_timer_sync(struct host_timer *h, uint64_t due, uint64_t now);
/* n interrupts of line were merged into others: counted here and in the
 * line's pins (irq-stats' coalesced). Device locked. */
void host_timer_coalesced(struct host_timer *h, struct irq_line *line, uint64_t n);
/* Cancel for good (destroy). */
void host_timer_stop(struct host_timer *h);

/* v * mul / div with 128-bit intermediate, rounded down or up, saturated at
 * UINT64_MAX (div must not be 0). */
uint64_t timer_scale(uint64_t v, uint64_t mul, uint64_t div, bool round_up);

#endif
