/* The host side the UART vdevs share (ser8250, pl011): output to the hostdev
 * endpoints (at once, or gathered with `batch`), host input fed into the
 * device's receive FIFO as it has room (no byte is lost), and `delayed`
 * opening at the guest's first access. The device calls these with its own
 * lock held; the callbacks run with it held too. */
#ifndef KQVM_VDEV_UART_HOST_H
#define KQVM_VDEV_UART_HOST_H

#include "vdev/vdev_ctx.h"

#include <pthread.h>

#define UART_BATCH_BUF 4096

struct uart_host {
    struct vdev_ctx *ctx;
    pthread_mutex_t *lock; /* the device's */
    void *dev;
    /* free room in the device's receive FIFO (0 while it takes no host input,
     * e.g. in loopback), and taking n bytes into it */
    unsigned (*rx_room)(void *dev);
    void (*rx_push)(void *dev, const uint8_t *buf, unsigned n);
    struct hostdev *host;
    bool opened_here; /* opened late (delayed), closed by destroy */
    bool rx_paused;   /* host input waits for FIFO room */
    bool rx_eof;
    uint64_t batch_us;
    int batch_fd;
    uint8_t out[UART_BATCH_BUF];
    size_t nout;
};

/* Set up from ctx (hostdev, batch); false after logging why. */
bool uart_host_init(struct uart_host *h, struct vdev_ctx *ctx, pthread_mutex_t *lock, void *dev,
                    unsigned (*rx_room)(void *dev),
                    void (*rx_push)(void *dev, const uint8_t *buf, unsigned n));
void uart_host_destroy(struct uart_host *h);
/* Every guest access: `delayed` opens the host side on the first. */
void uart_host_access(struct uart_host *h);
void uart_host_transmit(struct uart_host *h, uint8_t byte);
/* The guest made room in the receive FIFO (or left loopback): more input. */
void uart_host_rx_space(struct uart_host *h);

#endif
