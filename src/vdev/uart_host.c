/* The UARTs' host side (uart_host.h). */
#include "vdev/uart_host.h"

#include "vdev/uart_options.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static void flush_output(struct uart_host *h)
{
    if (h->nout && h->host)
        hostdev_write(h->host, h->out, h->nout);
    h->nout = 0;
}

static void on_batch_timer(void *arg, uint32_t events)
{
    (void)events;
    struct uart_host *h = arg;
    uint64_t expirations;
    if (read(h->batch_fd, &expirations, sizeof(expirations)) < 0)
        return;
    pthread_mutex_lock(h->lock);
    flush_output(h);
    pthread_mutex_unlock(h->lock);
}

void uart_host_transmit(struct uart_host *h, uint8_t byte)
{
    if (!h->host)
        return;
    if (h->batch_fd < 0) {
        hostdev_write(h->host, &byte, 1);
        return;
    }
    if (h->nout == UART_BATCH_BUF)
        flush_output(h);
    h->out[h->nout++] = byte;
    struct itimerspec its = { .it_value = { .tv_sec = (time_t)(h->batch_us / 1000000),
                                            .tv_nsec = (long)(h->batch_us % 1000000) * 1000 } };
    timerfd_settime(h->batch_fd, 0, &its, NULL);
}

/* Host input: as much as the FIFO takes; the rest waits in the host (no byte
 * is lost). A pollable input is watched again while there is room; a regular
 * file is simply read again when the guest makes room. Called locked. */
static bool rx_fill(struct uart_host *h)
{
    bool quit = false;
    unsigned room = h->rx_room(h->dev);
    if (room && !h->rx_eof) {
        uint8_t buf[64];
        ssize_t n = hostdev_read(h->host, buf, room < sizeof(buf) ? room : sizeof(buf), &quit);
        if (n > 0)
            h->rx_push(h->dev, buf, (unsigned)n);
        else if (n == 0)
            h->rx_eof = true;
    }
    h->rx_paused = !h->rx_eof && !h->rx_room(h->dev);
    if (!h->rx_eof && !h->rx_paused && !h->host->in_file)
        event_rearm(h->ctx->loop, h->host->in_fd, EPOLLIN | EPOLLONESHOT);
    return quit;
}

static void on_input(void *arg, uint32_t events)
{
    (void)events;
    struct uart_host *h = arg;
    pthread_mutex_lock(h->lock);
    bool quit = rx_fill(h);
    pthread_mutex_unlock(h->lock);
    if (quit)
        vm_request_quit(h->ctx->vm);
}

/* Start taking host input: a regular file at once, anything else when readable. */
static bool watch_input(struct uart_host *h)
{
    if (!h->host || h->host->in_fd < 0)
        return true;
    if (h->host->in_file) {
        rx_fill(h);
        return true;
    }
    return event_add(h->ctx->loop, h->host->in_fd, EPOLLIN | EPOLLONESHOT, on_input, h);
}

void uart_host_rx_space(struct uart_host *h)
{
    if (h->rx_paused)
        rx_fill(h); /* room again: take more host input (terminal escapes only via epoll) */
}

/* `delayed`: the host side opens at the guest's first access, retrying for up
 * to the given time (the vCPU waits, as QNX's qvm does). */
void uart_host_access(struct uart_host *h)
{
    const struct optval *d = &h->ctx->spec->opts[UART_OPT_DELAYED];
    if (h->host || !d->set || h->opened_here)
        return;
    h->opened_here = true;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        h->host = hostdev_open(h->ctx->log.prefix, &h->ctx->spec->opts[UART_OPT_HOSTDEV]);
        if (h->host)
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (d->u != DELAYED_FOREVER && (uint64_t)(now.tv_sec - start.tv_sec) >= d->u) {
            log_msg(&h->ctx->log, LOGF_ERROR,
                    "host device still unavailable after %llu s; "
                    "output is dropped",
                    (unsigned long long)d->u);
            return;
        }
        usleep(100000);
    }
    watch_input(h);
}

void uart_host_destroy(struct uart_host *h)
{
    flush_output(h);
    if (h->batch_fd >= 0)
        close(h->batch_fd);
    h->batch_fd = -1;
    if (h->opened_here)
        hostdev_close(h->host);
    h->host = NULL;
}

bool uart_host_init(struct uart_host *h, struct vdev_ctx *ctx, pthread_mutex_t *lock, void *dev,
                    unsigned (*rx_room)(void *dev),
                    void (*rx_push)(void *dev, const uint8_t *buf, unsigned n))
{
    *h = (struct uart_host){ .ctx = ctx,
                             .lock = lock,
                             .dev = dev,
                             .rx_room = rx_room,
                             .rx_push = rx_push,
                             .host = ctx->host,
                             .batch_fd = -1 };
    const struct optval *batch = &ctx->spec->opts[UART_OPT_BATCH];
    if (batch->set && batch->u) {
        h->batch_us = batch->u;
        h->batch_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (h->batch_fd < 0 || !event_add(ctx->loop, h->batch_fd, EPOLLIN, on_batch_timer, h)) {
            log_msg(&ctx->log, LOGF_ERROR, "batch timer: %s", strerror(errno));
            uart_host_destroy(h);
            return false;
        }
    }
    if (!watch_input(h)) {
        uart_host_destroy(h);
        return false;
    }
    return true;
}
