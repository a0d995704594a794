#include "vm/event.h"

#include "util/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

struct event_src {
    int fd; /* -1 once deleted: freed after the current batch of events */
    event_fn fn;
    void *arg;
    struct event_src *next;
};

/* Free deleted sources; only between batches, so no event points at them. */
static void event_reap(struct event_loop *l)
{
    for (struct event_src **p = &l->srcs; *p;) {
        struct event_src *s = *p;
        if (s->fd >= 0) {
            p = &s->next;
            continue;
        }
        *p = s->next;
        free(s);
    }
}

bool event_init(struct event_loop *l)
{
    *l = (struct event_loop){ .epfd = -1, .wakefd = -1 };
    pthread_mutex_init(&l->lock, NULL);
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    l->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (l->epfd < 0 || l->wakefd < 0) {
        log_error("event loop: %s", strerror(errno));
        event_free(l);
        return false;
    }
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->wakefd, &ev) < 0) {
        log_error("event loop: %s", strerror(errno));
        event_free(l);
        return false;
    }
    return true;
}

bool event_add(struct event_loop *l, int fd, uint32_t events, event_fn fn, void *arg)
{
    struct event_src *s = calloc(1, sizeof(*s));
    if (!s)
        return false;
    *s = (struct event_src){ .fd = fd, .fn = fn, .arg = arg };
    struct epoll_event ev = { .events = events, .data.ptr = s };
    pthread_mutex_lock(&l->lock);
    s->next = l->srcs;
    bool ok = epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) == 0;
    if (ok)
        l->srcs = s;
    pthread_mutex_unlock(&l->lock);
    if (!ok) {
        log_error("event loop: watching fd %d: %s", fd, strerror(errno));
        free(s);
    }
    return ok;
}

void event_del(struct event_loop *l, int fd)
{
    pthread_mutex_lock(&l->lock);
    for (struct event_src *s = l->srcs; s; s = s->next) {
        if (s->fd == fd) {
            epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
            s->fd = -1;
            break;
        }
    }
    pthread_mutex_unlock(&l->lock);
}

void event_rearm(struct event_loop *l, int fd, uint32_t events)
{
    pthread_mutex_lock(&l->lock);
    for (struct event_src *s = l->srcs; s; s = s->next) {
        if (s->fd == fd) {
            struct epoll_event ev = { .events = events, .data.ptr = s };
            epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev);
            break;
        }
    }
    pthread_mutex_unlock(&l->lock);
}

uint64_t event_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void event_set_tolerance(uint64_t ns)
{
    prctl(PR_SET_TIMERSLACK, ns ? ns : 1, 0, 0, 0);
}

void event_timer_init(struct event_timer *t, void (*fn)(void *arg), void *arg)
{
    *t = (struct event_timer){ .fn = fn, .arg = arg, .slot = -1 };
}

/* A binary min-heap on deadline; l->lock held. */
static void heap_swap(struct event_loop *l, unsigned a, unsigned b)
{
    struct event_timer *t = l->heap[a];
    l->heap[a] = l->heap[b];
    l->heap[b] = t;
    l->heap[a]->slot = (int)a;
    l->heap[b]->slot = (int)b;
}

static void heap_up(struct event_loop *l, unsigned i)
{
    while (i && l->heap[(i - 1) / 2]->deadline > l->heap[i]->deadline) {
        heap_swap(l, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void heap_down(struct event_loop *l, unsigned i)
{
    for (;;) {
        unsigned m = i, a = 2 * i + 1, b = 2 * i + 2;
        if (a < l->nheap && l->heap[a]->deadline < l->heap[m]->deadline)
            m = a;
        if (b < l->nheap && l->heap[b]->deadline < l->heap[m]->deadline)
            m = b;
        if (m == i)
            return;
        heap_swap(l, i, m);
        i = m;
    }
}

static void heap_remove(struct event_loop *l, struct event_timer *t)
{
    unsigned i = (unsigned)t->slot;
    l->nheap--;
    if (i != l->nheap) {
        l->heap[i] = l->heap[l->nheap];
        l->heap[i]->slot = (int)i;
        heap_down(l, i);
        heap_up(l, i);
    }
    t->slot = -1;
}

void event_timer_arm(struct event_loop *l, struct event_timer *t, uint64_t deadline)
{
    pthread_mutex_lock(&l->lock);
    if (t->slot >= 0)
        heap_remove(l, t);
    bool ok = true;
    if (l->nheap == l->capheap) {
        unsigned cap = l->capheap ? l->capheap * 2 : 16;
        struct event_timer **h = realloc(l->heap, cap * sizeof(*h));
        ok = h != NULL;
        if (ok) {
            l->heap = h;
            l->capheap = cap;
        }
    }
    bool earliest = false;
    if (ok) {
        t->deadline = deadline;
        t->slot = (int)l->nheap;
        l->heap[l->nheap++] = t;
        heap_up(l, (unsigned)t->slot);
        earliest = l->heap[0] == t;
    }
    pthread_mutex_unlock(&l->lock);
    if (!ok)
        log_error("event loop: out of memory for a timer");
    if (earliest)
        event_wake(l); /* the loop sleeps until the old earliest deadline */
}

void event_timer_cancel(struct event_loop *l, struct event_timer *t)
{
    pthread_mutex_lock(&l->lock);
    if (t->slot >= 0)
        heap_remove(l, t);
    pthread_mutex_unlock(&l->lock);
}

/* Run the timers that are due; return the time to the next deadline, or -1. */
static int64_t run_timers(struct event_loop *l)
{
    for (;;) {
        pthread_mutex_lock(&l->lock);
        uint64_t now = event_now();
        if (!l->nheap || l->heap[0]->deadline > now) {
            int64_t wait = l->nheap ? (int64_t)(l->heap[0]->deadline - now) : -1;
            pthread_mutex_unlock(&l->lock);
            return wait;
        }
        struct event_timer *t = l->heap[0];
        heap_remove(l, t);
        pthread_mutex_unlock(&l->lock);
        t->fn(t->arg); /* may arm t again */
    }
}

void event_run(struct event_loop *l, bool (*done)(void *arg), void *arg)
{
    while (!done(arg)) {
        struct epoll_event evs[16];
        int64_t wait = run_timers(l);
        if (done(arg))
            return; /* a timer ended it */
        struct timespec ts = { .tv_sec = wait / 1000000000, .tv_nsec = wait % 1000000000 };
        int n = epoll_pwait2(l->epfd, evs, 16, wait < 0 ? NULL : &ts, NULL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            log_error("event loop: epoll_wait: %s", strerror(errno));
            return;
        }
        for (int i = 0; i < n; i++) {
            struct event_src *s = evs[i].data.ptr;
            if (!s) {
                uint64_t v;
                while (read(l->wakefd, &v, sizeof(v)) > 0)
                    ;
                continue;
            }
            if (s->fd >= 0)
                s->fn(s->arg, evs[i].events);
        }
        pthread_mutex_lock(&l->lock);
        event_reap(l);
        pthread_mutex_unlock(&l->lock);
    }
}

void event_wake(struct event_loop *l)
{
    uint64_t one = 1;
    ssize_t r = write(l->wakefd, &one, sizeof(one));
    (void)r; /* a full counter already means "wake up" */
}

void event_free(struct event_loop *l)
{
    while (l->srcs) {
        struct event_src *s = l->srcs;
        l->srcs = s->next;
        free(s);
    }
    if (l->epfd >= 0)
        close(l->epfd);
    if (l->wakefd >= 0)
        close(l->wakefd);
    l->epfd = l->wakefd = -1;
    pthread_mutex_destroy(&l->lock);
    free(l->heap);
    l->heap = NULL;
    l->nheap = l->capheap = 0;
}
