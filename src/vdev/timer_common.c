#include "vdev/timer_common.h"

void host_timer_init(struct host_timer *h, struct event_loop *loop, void (*fn)(void *arg),
                     void *arg)
{
    event_timer_init(&h->t, fn, arg);
    h->loop = loop;
    h->armed = TIMER_NEVER;
    h->last_fire = 0;
    h->coalesced = 0;
}

void host_timer_fired(struct host_timer *h, uint64_t now)
{
    /* The loop took the timer off its heap before calling us. If a vCPU
     * re-armed it meanwhile, this run may be early: the models derive
     * everything from time, so an early run finds nothing due and re-arms. */
    h->armed = TIMER_NEVER;
    h->last_fire = now;
}

void host_timer_sync(struct host_timer *h, uint64_t due, uint64_t now)
{
    if (due == TIMER_NEVER) {
        if (h->armed != TIMER_NEVER)
            event_timer_cancel(h->loop, &h->t);
        h->armed = TIMER_NEVER;
        return;
    }
    uint64_t earliest = h->last_fire + TIMER_MIN_PERIOD_NS;
    if (due < earliest)
        due = earliest;
    if (due > now && due - now > TIMER_MAX_SLEEP_NS)
        due = now + TIMER_MAX_SLEEP_NS;
    if (due == h->armed)
        return;
    h->armed = due;
    event_timer_arm(h->loop, &h->t, due);
}

void host_timer_stop(struct host_timer *h)
{
    event_timer_cancel(h->loop, &h->t);
    h->armed = TIMER_NEVER;
}

uint64_t timer_scale(uint64_t v, uint64_t mul, uint64_t div, bool round_up)
{
    unsigned __int128 p = (unsigned __int128)v * mul;
    if (round_up)
        p += div - 1;
    p /= div;
    return p > UINT64_MAX ? UINT64_MAX : (uint64_t)p;
}

void host_timer_coalesced(struct host_timer *h, struct irq_line *line, uint64_t n)
{
    if (!n)
        return;
    h->coalesced += n;
    irq_line_coalesced(line, n > UINT32_MAX ? UINT32_MAX : (unsigned)n);
}
