/* vdev pckeyboard: enough of the i8042 keyboard controller for a guest to
 * reset the machine: command 0xfe (pulse the reset line) or 0xd1 with bit 0
 * clear (write the output port), plus the status, self-test and command-byte
 * handshakes guests perform on the way. There is no keyboard behind it. */
#include "vdev/vdev.h"

#include "config/spec.h"
#include "vdev/vdev_ctx.h"

#include <pthread.h>
#include <stdlib.h>

#define KBD_COMMAND_OFFSET 4 /* data at loc (0x60), status/command at loc+4 (0x64) */

enum kbd_region { KBD_DATA, KBD_STATUS };

#define STATUS_OBF 0x01  /* output buffer full */
#define STATUS_SYS 0x04  /* system flag: self-test passed */
#define STATUS_CMD 0x08  /* the last write was a command */
#define STATUS_UNLOCKED 0x10

#define CMD_READ_CTR 0x20
#define CMD_WRITE_CTR 0x60
#define CMD_SELF_TEST 0xaa
#define CMD_IFACE_TEST 0xab
#define CMD_READ_OUTPORT 0xd0
#define CMD_WRITE_OUTPORT 0xd1
#define CMD_PULSE_RESET 0xfe

struct pckeyboard {
    struct vdev_ctx *ctx;
    pthread_mutex_t lock;
    uint8_t status, out, ctr, outport;
    uint8_t pending_cmd; /* a command waiting for its data byte */
};

static void reply(struct pckeyboard *k, uint8_t byte)
{
    k->out = byte;
    k->status |= STATUS_OBF;
}

static void pulse_reset(struct pckeyboard *k)
{
    log_msg(&k->ctx->log, LOGF_INFO, "the guest pulsed the reset line");
    vm_request_reset(k->ctx->vm);
}

static uint64_t kbd_read(void *dev, unsigned region, uint64_t offset, unsigned size)
{
    (void)offset;
    (void)size;
    struct pckeyboard *k = dev;
    pthread_mutex_lock(&k->lock);
    uint8_t v = k->status;
    if (region == KBD_DATA) {
        v = k->out;
        k->status &= (uint8_t)~STATUS_OBF;
    }
    pthread_mutex_unlock(&k->lock);
    return v;
}

static void kbd_command(struct pckeyboard *k, uint8_t cmd)
{
    k->status |= STATUS_CMD;
    if ((cmd & 0xf0) == 0xf0) {
        /* pulse output-port lines: bit 0 low pulses reset (0xfe) */
        if (!(cmd & 0x01))
            pulse_reset(k);
        return;
    }
    switch (cmd) {
    case CMD_READ_CTR:
        reply(k, k->ctr);
        break;
    case CMD_WRITE_CTR:
    case CMD_WRITE_OUTPORT:
        k->pending_cmd = cmd;
        break;
    case CMD_SELF_TEST:
        reply(k, 0x55);
        break;
    case CMD_IFACE_TEST:
        reply(k, 0x00);
        break;
    case CMD_READ_OUTPORT:
        reply(k, k->outport);
        break;
    default:
        break; /* enable/disable port and such: nothing behind them */
    }
}

static void kbd_data(struct pckeyboard *k, uint8_t byte)
{
    k->status &= (uint8_t)~STATUS_CMD;
    uint8_t cmd = k->pending_cmd;
    k->pending_cmd = 0;
    if (cmd == CMD_WRITE_CTR) {
        k->ctr = byte;
    } else if (cmd == CMD_WRITE_OUTPORT) {
        k->outport = byte;
        if (!(byte & 0x01))
            pulse_reset(k);
    }
    /* bytes for the keyboard itself go nowhere: there is none */
}

static void kbd_write(void *dev, unsigned region, uint64_t offset, unsigned size, uint64_t value)
{
    (void)offset;
    (void)size;
    struct pckeyboard *k = dev;
    pthread_mutex_lock(&k->lock);
    if (region == KBD_STATUS)
        kbd_command(k, (uint8_t)value);
    else
        kbd_data(k, (uint8_t)value);
    pthread_mutex_unlock(&k->lock);
}

static void *kbd_create(struct vdev_ctx *ctx)
{
    struct pckeyboard *k = calloc(1, sizeof(*k));
    if (!k)
        return NULL;
    pthread_mutex_init(&k->lock, NULL);
    k->ctx = ctx;
    k->status = STATUS_SYS | STATUS_UNLOCKED;
    k->ctr = 0x45;     /* translation, system flag, keyboard interrupt: a PC's after POST */
    k->outport = 0x01; /* reset line not asserted */
    return k;
}

static void kbd_destroy(void *dev)
{
    struct pckeyboard *k = dev;
    pthread_mutex_destroy(&k->lock);
    free(k);
}

static const struct vdev_model kbd_model = {
    .create = kbd_create,
    .destroy = kbd_destroy,
    .read = kbd_read,
    .write = kbd_write,
};

static unsigned kbd_claims(const struct vdev_spec *v, const struct vm_spec *vm, struct region *out,
                           unsigned max)
{
    (void)vm;
    if (max < 2)
        return 0;
    unsigned n = vdev_claim_loc(v, 1, "data", out, max);
    if (n)
        out[n++] = (struct region){ .space = SPACE_IO, .base = v->loc.addr + KBD_COMMAND_OFFSET,
                                    .length = 1, .what = "status/command" };
    return n;
}

const struct vdev_type vdev_pckeyboard = {
    .name = "pckeyboard",
    .summary = "minimal i8042 keyboard controller, enough for a guest to reset the machine",
    .arch = ARCH_X86_64,
    .placement = PLACE_FIXED,
    .common = COMMON_NAME | COMMON_LOC | COMMON_LOG,
    .loc_space = LOC_IO,
    .has_default_loc = true,
    .default_loc = { .space = LOC_IO, .addr = 0x60 },
    .claims = kbd_claims,
    .model = &kbd_model,
};
