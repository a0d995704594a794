#include "vm/event.h"

#include "util/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
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

void event_run(struct event_loop *l, bool (*done)(void *arg), void *arg)
{
    while (!done(arg)) {
        struct epoll_event evs[16];
        int n = epoll_wait(l->epfd, evs, 16, -1);
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
}
