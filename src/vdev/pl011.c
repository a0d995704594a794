/* vdev pl011: an ARM PrimeCell PL011 UART (r1.4, as QEMU's): 16-byte receive
 * FIFO (or a one-byte holding register with FIFOs off), the interrupt block
 * (IMSC, RIS, MIS, ICR) with its one combined line, loopback, the error
 * register, and the identification registers. Transmission is instantaneous:
 * the transmit FIFO is always empty, and each byte sent raises the transmit
 * interrupt (cleared by ICR), as on QEMU's model that Linux's driver is used
 * to. The host side (hostdev, batch, delayed) is ser8250's (uart_host.c). */
#include "vdev/uart_host.h"
#include "vdev/uart_options.h"

#include "config/spec.h"
#include "vdev/vdev_ctx.h"

#include <pthread.h>
#include <stdlib.h>

#define PL011_WINDOW 0x1000
#define PL011_FIFO   16

enum {
    DR = 0x000,
    RSR = 0x004,
    FR = 0x018,
    ILPR = 0x020,
    IBRD = 0x024,
    FBRD = 0x028,
    LCR_H = 0x02c,
    CR = 0x030,
    IFLS = 0x034,
    IMSC = 0x038,
    RIS = 0x03c,
    MIS = 0x040,
    ICR = 0x044,
    DMACR = 0x048,
    ID_BASE = 0xfe0
};

#define DR_OE   (1u << 11)
#define RSR_OE  (1u << 3)
#define FR_CTS  (1u << 0)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)
#define LCR_FEN (1u << 4)
#define CR_LBE  (1u << 7)
#define INT_RX  (1u << 4)
#define INT_TX  (1u << 5)
#define INT_RT  (1u << 6)
#define INT_OE  (1u << 10)
#define INT_ALL 0x7ffu

/* PeriphID0-3, PCellID0-3 */
static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

struct pl011 {
    struct vdev_ctx *ctx;
    pthread_mutex_t lock;
    uint16_t rx[PL011_FIFO]; /* byte plus error bits, as DR reads them */
    unsigned rx_head, rx_count;
    uint32_t rsr, ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, dmacr;
    uint32_t ris_latched; /* TX and OE: set by events, cleared by ICR */
    struct uart_host host;
};

static unsigned rx_capacity(const struct pl011 *u)
{
    return u->lcr_h & LCR_FEN ? PL011_FIFO : 1;
}

/* IFLS RXIFLSEL: 1/8, 1/4, 1/2, 3/4, 7/8 of the FIFO */
static unsigned rx_trigger(const struct pl011 *u)
{
    static const unsigned levels[] = { 2, 4, 8, 12, 14 };
    unsigned sel = u->ifls >> 3 & 7;
    return u->lcr_h & LCR_FEN ? levels[sel < 5 ? sel : 4] : 1;
}

/* RX and RT follow the FIFO level (the receive timeout is taken as expired at
 * once: a driver reads until RXFE either way); TX and OE are latched. */
static uint32_t ris(const struct pl011 *u)
{
    uint32_t r = u->ris_latched;
    if (u->rx_count >= rx_trigger(u))
        r |= INT_RX;
    else if (u->rx_count)
        r |= INT_RT;
    return r;
}

static void update_irq(struct pl011 *u)
{
    irq_set_level(u->ctx->irq[0], (ris(u) & u->imsc) != 0);
}

static void rx_push(struct pl011 *u, uint8_t byte)
{
    if (u->rx_count == rx_capacity(u)) {
        /* overrun: the byte is lost; the last FIFO entry carries OE */
        u->rsr |= RSR_OE;
        u->ris_latched |= INT_OE;
        u->rx[(u->rx_head + u->rx_count - 1) % PL011_FIFO] |= DR_OE;
        return;
    }
    u->rx[(u->rx_head + u->rx_count) % PL011_FIFO] = byte;
    u->rx_count++;
}

static unsigned host_rx_room(void *dev)
{
    struct pl011 *u = dev;
    return u->cr & CR_LBE ? 0 : rx_capacity(u) - u->rx_count;
}

static void host_rx_push(void *dev, const uint8_t *buf, unsigned n)
{
    struct pl011 *u = dev;
    for (unsigned i = 0; i < n; i++)
        rx_push(u, buf[i]);
    update_irq(u);
}

static uint32_t rx_pop(struct pl011 *u)
{
    if (!u->rx_count)
        return 0;
    uint32_t v = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1) % PL011_FIFO;
    u->rx_count--;
    u->rsr = (u->rsr & ~0xfu) | (v >> 8 & 0xf);
    uart_host_rx_space(&u->host);
    return v;
}

static uint32_t fr(const struct pl011 *u)
{
    uint32_t f = FR_TXFE | FR_CTS;
    if (!u->rx_count)
        f |= FR_RXFE;
    if (u->rx_count == rx_capacity(u))
        f |= FR_RXFF;
    return f;
}

static uint64_t pl011_read(void *dev, unsigned region, uint64_t offset, unsigned size)
{
    (void)region;
    (void)size;
    struct pl011 *u = dev;
    uint32_t v = 0;
    pthread_mutex_lock(&u->lock);
    uart_host_access(&u->host);
    switch (offset) {
    case DR:
        v = rx_pop(u);
        break;
    case RSR:
        v = u->rsr;
        break;
    case FR:
        v = fr(u);
        break;
    case ILPR:
        v = u->ilpr;
        break;
    case IBRD:
        v = u->ibrd;
        break;
    case FBRD:
        v = u->fbrd;
        break;
    case LCR_H:
        v = u->lcr_h;
        break;
    case CR:
        v = u->cr;
        break;
    case IFLS:
        v = u->ifls;
        break;
    case IMSC:
        v = u->imsc;
        break;
    case RIS:
        v = ris(u);
        break;
    case MIS:
        v = ris(u) & u->imsc;
        break;
    case DMACR:
        v = u->dmacr;
        break;
    default:
        if (offset >= ID_BASE && offset < ID_BASE + 32 && offset % 4 == 0)
            v = pl011_id[(offset - ID_BASE) / 4];
        break; /* reserved: reads 0 */
    }
    update_irq(u);
    pthread_mutex_unlock(&u->lock);
    return v;
}

static void pl011_write(void *dev, unsigned region, uint64_t offset, unsigned size, uint64_t value)
{
    (void)region;
    (void)size;
    struct pl011 *u = dev;
    uint32_t v = (uint32_t)value;
    pthread_mutex_lock(&u->lock);
    uart_host_access(&u->host);
    switch (offset) {
    case DR:
        if (u->cr & CR_LBE)
            rx_push(u, (uint8_t)v);
        else
            uart_host_transmit(&u->host, (uint8_t)v);
        u->ris_latched |= INT_TX; /* sent at once: the FIFO is empty again */
        break;
    case RSR:
        u->rsr = 0;
        break; /* ECR: any write clears the errors */
    case ILPR:
        u->ilpr = v & 0xff;
        break;
    case IBRD:
        u->ibrd = v & 0xffff;
        break;
    case FBRD:
        u->fbrd = v & 0x3f;
        break;
    case LCR_H:
        if ((v ^ u->lcr_h) & LCR_FEN) /* switching FIFOs flushes them */
            u->rx_count = u->rx_head = 0;
        u->lcr_h = v & 0xff;
        uart_host_rx_space(&u->host);
        break;
    case CR:
        u->cr = v & 0xffff;
        uart_host_rx_space(&u->host); /* out of loopback: host input again */
        break;
    case IFLS:
        u->ifls = v & 0x3f;
        break;
    case IMSC:
        u->imsc = v & INT_ALL;
        break;
    case ICR:
        u->ris_latched &= ~v;
        break;
    case DMACR:
        u->dmacr = v & 7;
        break;
    default:
        break; /* read-only or reserved: ignored, as the hardware does */
    }
    update_irq(u);
    pthread_mutex_unlock(&u->lock);
}

static void pl011_destroy(void *dev)
{
    struct pl011 *u = dev;
    uart_host_destroy(&u->host);
    pthread_mutex_destroy(&u->lock);
    free(u);
}

static void *pl011_create(struct vdev_ctx *ctx)
{
    struct pl011 *u = calloc(1, sizeof(*u));
    if (!u)
        return NULL;
    pthread_mutex_init(&u->lock, NULL);
    u->ctx = ctx;
    u->cr = 0x300; /* TXE, RXE: the reset values */
    u->ifls = 0x12;
    if (!uart_host_init(&u->host, ctx, &u->lock, u, host_rx_room, host_rx_push)) {
        pthread_mutex_destroy(&u->lock);
        free(u);
        return NULL;
    }
    return u;
}

static const struct vdev_model pl011_model = {
    .create = pl011_create,
    .destroy = pl011_destroy,
    .read = pl011_read,
    .write = pl011_write,
};

static unsigned pl011_claims(const struct vdev_spec *v, const struct vm_spec *vm,
                             struct region *out, unsigned max)
{
    (void)vm;
    return vdev_claim_loc(v, PL011_WINDOW, "registers", out, max);
}

const struct vdev_type vdev_pl011 = {
    .name = "pl011",
    .summary = "ARM PL011 UART",
    .arch = ARCH_ARM64,
    .placement = PLACE_FIXED,
    .common = COMMON_NAME | COMMON_LOC | COMMON_INTR | COMMON_LOG,
    .loc_space = LOC_MEM,
    .options = uart_options,
    .noptions = UART_OPT_COUNT,
    .claims = pl011_claims,
    .model = &pl011_model,
};
