/* The VM's event loop, run by the main thread: host input fds, timers (as
 * timerfds), signals (as a signalfd) and wake-ups from vCPU threads. */
#ifndef KQVM_VM_EVENT_H
#define KQVM_VM_EVENT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

typedef void (*event_fn)(void *arg, uint32_t events);

struct event_src;

struct event_loop {
    int epfd;
    int wakefd; /* eventfd: event_wake from any thread */
    pthread_mutex_t lock; /* the list of sources: any thread may add or re-arm */
    struct event_src *srcs;
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

#endif
