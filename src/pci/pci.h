/* The guest's PCI bus: one bus, 0, with a host bridge at 0:0.0, reached
 * through configuration mechanism #1 (I/O ports 0xcf8-0xcff on x86), and
 * two windows (memory and I/O) where the bus places the functions' BARs.
 *
 * A PCI function is one `struct pci_function`, embedded in its owner's
 * state (the host bridge, a VFIO pass-through device, later virtio-pci):
 * its emulated configuration space (`struct pci_config`: values, the bits
 * the guest may write, the bits it clears by writing 1), its BARs, and ops
 * for what the generic emulation does not cover. The bus does the rest:
 * the configuration cycles, "firmware" placement of BARs at boot, and BAR
 * decoding: whenever the command register or a BAR changes, the bus maps
 * the parts of each decoded BAR that are host memory as memory slots (no
 * exits), and sends the guest's accesses to the other parts to the
 * function (`bar_read`/`bar_write`). Guest-programmed BAR addresses are
 * range-checked: a BAR that leaves its window, or overlaps a BAR already
 * decoded, is not decoded (logged once), as a machine that routes nothing
 * there would do.
 *
 * Nothing here includes <linux/kvm.h>: the VM gives the bus its memory
 * slots and MSI delivery through `struct pci_bus_env`. */
#ifndef KQVM_PCI_PCI_H
#define KQVM_PCI_PCI_H

#include "vm/event.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

enum {
    PCI_CFG_SIZE = 256,  /* what mechanism #1 reaches; no extended space */
    PCI_NUM_BARS = 6,    /* type 0 header */
    PCI_BAR_MAPS = 4,    /* host-memory parts per BAR */
    PCI_MAX_DEVFN = 256, /* bus 0: 32 devices of 8 functions */
};

struct vdev_model;

#define PCI_DEVFN(dev, fn) ((unsigned)(dev) << 3 | (unsigned)(fn))

/* ---- the emulated configuration space (src/pci/config.c) ---- */

/* Little-endian register values, the bits a guest write changes (wmask),
 * and the bits a guest write of 1 clears (w1c). Registers outside the
 * function's header and capabilities read 0 and ignore writes. */
struct pci_config {
    uint8_t v[PCI_CFG_SIZE];
    uint8_t wmask[PCI_CFG_SIZE];
    uint8_t w1c[PCI_CFG_SIZE];
};

enum pci_bar_kind { PCI_BAR_NONE, PCI_BAR_MEM32, PCI_BAR_MEM64, PCI_BAR_IO };

/* A part of a BAR that is host memory: a memory slot while the BAR is
 * decoded. offset and length are multiples of 4 KiB. */
struct pci_bar_map {
    uint64_t offset, length;
    void *host;
};

struct pci_bar {
    enum pci_bar_kind kind; /* a 64-bit BAR takes this register and the next (PCI_BAR_NONE) */
    bool prefetchable;
    uint64_t size; /* a power of two: at least 16 (memory) or 4 (I/O) */
    struct pci_bar_map maps[PCI_BAR_MAPS];
    unsigned nmaps;
};

/* Raw access for the owner (no masks); off + size within the space. */
uint32_t pci_config_get(const struct pci_config *c, unsigned off, unsigned size);
void pci_config_set(struct pci_config *c, unsigned off, unsigned size, uint32_t v);
void pci_config_set_wmask(struct pci_config *c, unsigned off, unsigned size, uint32_t mask);
void pci_config_set_w1c(struct pci_config *c, unsigned off, unsigned size, uint32_t mask);
/* A guest write: bits in wmask take the new value, bits in w1c written as 1
 * are cleared, the rest keep theirs. */
void pci_config_write(struct pci_config *c, unsigned off, unsigned size, uint32_t v);
/* A type 0 header: IDs, class (base << 16 | sub << 8 | prog-if), revision;
 * the command register's I/O, memory, bus-master and INTx-disable bits are
 * writable, the status register's error bits are write-1-to-clear. */
void pci_config_init(struct pci_config *c, uint16_t vendor, uint16_t device, uint32_t class_code,
                     uint8_t revision);
/* Declare BAR n of bars in the configuration space: its type bits, and a
 * wmask that makes the size readable by the usual sizing (write all ones,
 * read back). False when the BAR is not one a type 0 header can hold
 * (size not a power of two, too small, a 64-bit BAR in register 5). */
bool pci_config_declare_bar(struct pci_config *c, const struct pci_bar *bars, unsigned n);
/* The address the guest gave BAR n (0 for PCI_BAR_NONE). */
uint64_t pci_config_bar_addr(const struct pci_config *c, const struct pci_bar *bars, unsigned n);
/* Place BAR n at addr (firmware; no masks). */
void pci_config_set_bar_addr(struct pci_config *c, const struct pci_bar *bars, unsigned n,
                             uint64_t addr);
/* Add a capability of len bytes at off (after the ones already added):
 * links it into the list from register 0x34 and sets the status bit.
 * off is dword-aligned, at least 0x40, and off + len fits. */
bool pci_config_add_cap(struct pci_config *c, uint8_t id, unsigned off, unsigned len);

/* ---- functions and the bus (src/pci/bus.c) ---- */

struct pci_function;
struct pci_bus;

struct pci_function_ops {
    /* Configuration access (the function's lock held). NULL: f->cfg alone. */
    uint32_t (*cfg_read)(struct pci_function *f, unsigned off, unsigned size);
    void (*cfg_write)(struct pci_function *f, unsigned off, unsigned size, uint32_t v);
    /* A guest access to a part of a decoded BAR that is not a memory slot
     * (the function's lock held); off is relative to the BAR. NULL: reads
     * return all ones, writes are dropped. */
    uint64_t (*bar_read)(struct pci_function *f, unsigned bar, uint64_t off, unsigned size);
    void (*bar_write)(struct pci_function *f, unsigned bar, uint64_t off, unsigned size,
                      uint64_t v);
    /* Counters for the end-of-run report (set irq-stats on, SIGUSR1). */
    void (*report)(struct pci_function *f);
    /* The VM goes away (its event loop has stopped): stop the device, free
     * the owner's state. The bus has already removed the memory slots. */
    void (*destroy)(struct pci_function *f);
};

struct pci_bar_decode {
    bool on;
    uint64_t addr;
    int slot[PCI_BAR_MAPS]; /* memory slot per map, -1: none */
};

struct pci_function {
    /* set by the owner before pci_bus_add */
    const char *name; /* for messages: "pass pci:0:3.0 (0000:00:01.0)" */
    const struct pci_function_ops *ops;
    struct pci_config cfg;
    struct pci_bar bar[PCI_NUM_BARS];
    /* the bus's */
    pthread_mutex_t lock; /* the configuration state, and the owner's device state */
    struct pci_bus *bus;
    unsigned devfn;
    struct pci_bar_decode decode[PCI_NUM_BARS];
    bool bar_warned[PCI_NUM_BARS];
};

/* What the VM gives the bus. */
struct pci_bus_env {
    void *vm;
    /* Map length bytes of host memory at guest address gpa as memory slot
     * number slot, or remove the slot (length 0). */
    bool (*set_slot)(void *vm, unsigned slot, uint64_t gpa, uint64_t length, void *host);
    unsigned first_slot, nslots; /* slot numbers the bus may use */
    /* Deliver an MSI; false when the address is not one the machine's
     * interrupt controllers decode (the message is dropped). */
    bool (*send_msi)(void *vm, uint64_t address, uint32_t data);
    /* Reset control register (io 0xcf9) asked for a reset. */
    void (*reset)(void *vm);
    struct event_loop *loop;
    uint64_t mmio_base, mmio_size; /* the memory window */
    uint32_t io_base, io_size;     /* the I/O window */
};

struct pci_bus *pci_bus_create(const struct pci_bus_env *env);
/* Put f at devfn (its lock is initialised here). False if taken. */
bool pci_bus_add(struct pci_bus *b, struct pci_function *f, unsigned devfn);
/* Firmware's work before the guest runs: every BAR placed in its window
 * (largest first, each aligned to its size and to 4 KiB), I/O and memory
 * decoding enabled where a function has such BARs. False after logging
 * when a window is too small. */
bool pci_bus_assign(struct pci_bus *b);
/* Every function's report op. */
void pci_bus_report(struct pci_bus *b);
/* Remove every memory slot, destroy every function, free the bus. */
void pci_bus_destroy(struct pci_bus *b);
const struct pci_bus_env *pci_bus_env(const struct pci_bus *b);

/* Configuration cycles by devfn (mechanism #1 and, later, ECAM). Absent
 * functions read all ones. */
uint32_t pci_bus_cfg_read(struct pci_bus *b, unsigned devfn, unsigned off, unsigned size);
void pci_bus_cfg_write(struct pci_bus *b, unsigned devfn, unsigned off, unsigned size,
                       uint32_t v);

/* For functions: decode again after a change of the command register or a
 * BAR that the bus would not see (the bus calls it after every cfg_write). */
void pci_function_update_decode(struct pci_function *f);

/* The bus models src/vm registers (dev: the bus). pci_cfg_model answers
 * io 0xcf8-0xcff (0xcf8 address, 0xcf9 reset control, 0xcfc-0xcff data);
 * pci_window_model answers the memory window (region 0) and the I/O window
 * (region 1): accesses where no BAR is decoded read all ones, writes are
 * dropped (a PCI master abort). */
extern const struct vdev_model pci_cfg_model, pci_window_model;

/* The host bridge at 0:0.0 (src/pci/host.c). */
bool pci_host_bridge_add(struct pci_bus *b);

#endif
