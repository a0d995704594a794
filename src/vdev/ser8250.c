/* vdev ser8250: a 16550A-compatible UART: 16-byte receive FIFO, LSR, IIR, IER,
 * MCR (OUT2 gates the interrupt, as on PCs), MSR, loopback, scratch register.
 * Transmission is instantaneous: THR is always empty again after a write. */
#include "vdev/uart_host.h"
#include "vdev/uart_options.h"

#include "config/spec.h"
#include "vdev/vdev_ctx.h"

#include <pthread.h>
#include <stdlib.h>

#define UART_REGISTERS 8
#define UART_FIFO 16

enum { RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

#define IER_RDA 0x01  /* received data available */
#define IER_THRE 0x02 /* transmitter holding register empty */
#define IER_RLS 0x04  /* receiver line status */
#define IER_MS 0x08   /* modem status */
#define IIR_NONE 0x01
#define IIR_MS 0x00
#define IIR_THRE 0x02
#define IIR_RDA 0x04
#define IIR_RLS 0x06
#define IIR_CTI 0x0c
#define IIR_FIFO 0xc0
#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define LCR_DLAB 0x80
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MSR_DELTAS 0x0f
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

struct ser8250 {
    struct vdev_ctx *ctx;
    pthread_mutex_t lock;
    uint8_t ier, lcr, mcr, lsr, msr, scr, dll, dlm, fcr;
    bool thre_pending; /* THR-empty interrupt not yet acknowledged */
    uint8_t rx[UART_FIFO];
    uint8_t rbr; /* the last byte the guest read: what an empty RBR reads */
    unsigned rx_head, rx_count;
    struct uart_host host;
};

static unsigned rx_capacity(const struct ser8250 *u)
{
    return u->fcr & FCR_ENABLE ? UART_FIFO : 1;
}

static unsigned rx_trigger(const struct ser8250 *u)
{
    static const unsigned levels[] = { 1, 4, 8, 14 };
    return u->fcr & FCR_ENABLE ? levels[u->fcr >> 6] : 1;
}

/* The highest-priority pending interrupt, as IIR reports it. */
static uint8_t pending(const struct ser8250 *u)
{
    if ((u->ier & IER_RLS) && (u->lsr & LSR_OE))
        return IIR_RLS;
    if ((u->ier & IER_RDA) && u->rx_count)
        return u->rx_count >= rx_trigger(u) ? IIR_RDA : IIR_CTI;
    if ((u->ier & IER_THRE) && u->thre_pending)
        return IIR_THRE;
    if ((u->ier & IER_MS) && (u->msr & MSR_DELTAS))
        return IIR_MS;
    return IIR_NONE;
}

/* The line follows the pending interrupt, gated by OUT2 as on a PC. */
static void update_irq(struct ser8250 *u)
{
    bool level = pending(u) != IIR_NONE && (u->mcr & MCR_OUT2);
    irq_set_level(u->ctx->irq[0], level);
}

/* Modem status: in loopback the outputs come back as inputs; otherwise a
 * connected modem (CTS, DSR, DCD). Deltas accumulate until MSR is read. */
static void update_msr(struct ser8250 *u)
{
    uint8_t lines;
    if (u->mcr & MCR_LOOP)
        lines = (uint8_t)((u->mcr & MCR_RTS ? MSR_CTS : 0) | (u->mcr & MCR_DTR ? MSR_DSR : 0) |
                          (u->mcr & MCR_OUT1 ? MSR_RI : 0) | (u->mcr & MCR_OUT2 ? MSR_DCD : 0));
    else
        lines = MSR_CTS | MSR_DSR | MSR_DCD;
    uint8_t changed = (u->msr ^ lines) & 0xf0;
    uint8_t deltas = u->msr & MSR_DELTAS;
    deltas |= (changed & MSR_CTS) ? 0x01 : 0;
    deltas |= (changed & MSR_DSR) ? 0x02 : 0;
    deltas |= (changed & MSR_RI) && !(lines & MSR_RI) ? 0x04 : 0; /* trailing edge of RI */
    deltas |= (changed & MSR_DCD) ? 0x08 : 0;
    u->msr = lines | deltas;
}

static void rx_push(struct ser8250 *u, uint8_t byte)
{
    if (u->rx_count == rx_capacity(u)) {
        u->lsr |= LSR_OE;
        return;
    }
    u->rx[(u->rx_head + u->rx_count) % UART_FIFO] = byte;
    u->rx_count++;
    u->lsr |= LSR_DR;
}

/* Host input (uart_host): room in the FIFO, none in loopback. */
static unsigned host_rx_room(void *dev)
{
    struct ser8250 *u = dev;
    return u->mcr & MCR_LOOP ? 0 : rx_capacity(u) - u->rx_count;
}

static void host_rx_push(void *dev, const uint8_t *buf, unsigned n)
{
    struct ser8250 *u = dev;
    for (unsigned i = 0; i < n; i++)
        rx_push(u, buf[i]);
    update_irq(u);
}

static uint8_t rx_pop(struct ser8250 *u)
{
    if (!u->rx_count)
        return u->rbr; /* an empty RBR reads its last byte again */
    uint8_t b = u->rbr = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART_FIFO;
    u->rx_count--;
    if (!u->rx_count)
        u->lsr &= (uint8_t)~LSR_DR;
    uart_host_rx_space(&u->host);
    return b;
}

static uint64_t ser8250_read(void *dev, unsigned region, uint64_t offset, unsigned size)
{
    (void)region;
    (void)size;
    struct ser8250 *u = dev;
    uint8_t v = 0xff;
    pthread_mutex_lock(&u->lock);
    uart_host_access(&u->host);
    switch (offset) {
    case RBR_THR:
        v = u->lcr & LCR_DLAB ? u->dll : rx_pop(u);
        break;
    case IER:
        v = u->lcr & LCR_DLAB ? u->dlm : u->ier;
        break;
    case IIR_FCR:
        v = pending(u);
        if (v == IIR_THRE)
            u->thre_pending = false; /* reading IIR acknowledges THR empty */
        if (u->fcr & FCR_ENABLE)
            v |= IIR_FIFO;
        break;
    case LCR:
        v = u->lcr;
        break;
    case MCR:
        v = u->mcr;
        break;
    case LSR:
        v = u->lsr;
        u->lsr &= (uint8_t)~LSR_OE;
        break;
    case MSR:
        v = u->msr;
        u->msr &= (uint8_t)~MSR_DELTAS;
        break;
    case SCR:
        v = u->scr;
        break;
    }
    update_irq(u);
    pthread_mutex_unlock(&u->lock);
    return v;
}

static void ser8250_write(void *dev, unsigned region, uint64_t offset, unsigned size,
                          uint64_t value)
{
    (void)region;
    (void)size;
    struct ser8250 *u = dev;
    uint8_t v = (uint8_t)value;
    pthread_mutex_lock(&u->lock);
    uart_host_access(&u->host);
    switch (offset) {
    case RBR_THR:
        if (u->lcr & LCR_DLAB) {
            u->dll = v;
            break;
        }
        if (u->mcr & MCR_LOOP)
            rx_push(u, v);
        else
            uart_host_transmit(&u->host, v);
        u->thre_pending = true; /* empty again at once */
        break;
    case IER:
        if (u->lcr & LCR_DLAB) {
            u->dlm = v;
            break;
        }
        /* enabling the THRE interrupt while THR is empty raises it */
        if ((v & IER_THRE) && !(u->ier & IER_THRE))
            u->thre_pending = true;
        u->ier = v & 0x0f;
        break;
    case IIR_FCR:
        if ((v ^ u->fcr) & FCR_ENABLE || (v & FCR_CLEAR_RX)) {
            u->rx_count = u->rx_head = 0;
            u->lsr &= (uint8_t)~LSR_DR;
        }
        u->fcr = v & (FCR_ENABLE | 0xc0);
        break;
    case LCR:
        u->lcr = v;
        break;
    case MCR:
        u->mcr = v & 0x1f;
        update_msr(u);
        uart_host_rx_space(&u->host); /* out of loopback: host input again */
        break;
    case LSR:
    case MSR:
        break; /* read-only on a 16550A */
    case SCR:
        u->scr = v;
        break;
    }
    update_irq(u);
    pthread_mutex_unlock(&u->lock);
}

static void ser8250_destroy(void *dev)
{
    struct ser8250 *u = dev;
    uart_host_destroy(&u->host);
    pthread_mutex_destroy(&u->lock);
    free(u);
}

static void *ser8250_create(struct vdev_ctx *ctx)
{
    struct ser8250 *u = calloc(1, sizeof(*u));
    if (!u)
        return NULL;
    pthread_mutex_init(&u->lock, NULL);
    u->ctx = ctx;
    u->lsr = LSR_THRE | LSR_TEMT;
    update_msr(u);
    u->msr &= (uint8_t)~MSR_DELTAS;
    if (!uart_host_init(&u->host, ctx, &u->lock, u, host_rx_room, host_rx_push)) {
        pthread_mutex_destroy(&u->lock);
        free(u);
        return NULL;
    }
    return u;
}

static const struct vdev_model ser8250_model = {
    .create = ser8250_create,
    .destroy = ser8250_destroy,
    .read = ser8250_read,
    .write = ser8250_write,
};

static unsigned ser8250_claims(const struct vdev_spec *v, const struct vm_spec *vm,
                               struct region *out, unsigned max)
{
    (void)vm;
    return vdev_claim_loc(v, UART_REGISTERS, "registers", out, max);
}

const struct vdev_type vdev_ser8250 = {
    .name = "ser8250",
    .summary = "16550A-compatible UART with FIFOs",
    .arch = ARCH_ANY,
    .placement = PLACE_FIXED,
    .common = COMMON_NAME | COMMON_LOC | COMMON_INTR | COMMON_LOG,
    .loc_space = LOC_IO,
    .loc_any_space = true,
    /* io:0x3f8 (COM1) on x86; an arm64 guest has no I/O space and gives a loc */
    .has_default_loc = true,
    .default_loc = { .space = LOC_IO, .addr = 0x3f8 },
    .options = uart_options,
    .noptions = UART_OPT_COUNT,
    .claims = ser8250_claims,
    .model = &ser8250_model,
};
