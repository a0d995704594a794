/* The VM's event loop, run by the main thread: host input fds, timers,
 * signals (as a signalfd) and wake-ups from vCPU threads. Timer callbacks run
 * on the loop's thread, whose timer slack is the configuration's `tolerance`:
 * the kernel may deliver an expiry that much late, to save wake-ups. */
#ifndef KQVM_VM_EVENT_H
#define KQVM_VM_EVENT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

typedef void (*event_fn)(void *arg, uint32_t events);

struct event_src;

/* A one-shot timer: fn(arg) runs on the loop's thread at or after deadline
 * (CLOCK_MONOTONIC, ns). Periodic devices arm it again from fn. */
struct event_timer {
    uint64_t deadline;
    void (*fn)(void *arg);
    void *arg;
    int slot; /* index in the loop's heap, -1 when not armed */
};

struct event_loop {
    int epfd;
    int wakefd; /* eventfd: event_wake from any thread */
    pthread_mutex_t lock; /* sources and timers: any thread may add, arm or re-arm */
    struct event_src *srcs;
    struct event_timer **heap; /* armed timers, earliest first */
    unsigned nheap, capheap;
};

bool event_init(struct event_loop *l);
/* Watch fd for events (EPOLLIN, ...); fn runs on the loop's thread. */
bool event_add(struct event_loop *l, int fd, uint32_t events, event_fn fn, void *arg);
void event_del(struct event_loop *l, int fd);
/* Watch a source added with EPOLLONESHOT again (safe from any thread). */
void event_rearm(struct event_loop *l, int fd, uint32_t events);
/* Handle events until done(arg) is true; done is checked after each wake-up. */
void event_run(struct event_loop *l, bool (*done)(void *arg), void *arg);
/* Make event_run look at done() again (async-signal-safe, any thread). */
void event_wake(struct event_loop *l);
void event_free(struct event_loop *l);

/* A timer's callback may run after event_timer_cancel returns if it was
 * already running: devices cancel their timers in destroy, which kqvm calls
 * only once the loop has stopped. */
void event_timer_init(struct event_timer *t, void (*fn)(void *arg), void *arg);
/* Arm (or move) t to fire at deadline; safe from any thread. */
void event_timer_arm(struct event_loop *l, struct event_timer *t, uint64_t deadline);
void event_timer_cancel(struct event_loop *l, struct event_timer *t);
uint64_t event_now(void); /* CLOCK_MONOTONIC in ns */
/* The loop thread's timer slack: how late a timer may fire (tolerance). */
void event_set_tolerance(uint64_t ns);

#endif
