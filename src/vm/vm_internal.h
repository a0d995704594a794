/* The VM's state, shared by src/vm and src/arch. Includes <linux/kvm.h>:
 * vdevs never include this file. */
#ifndef KQVM_VM_VM_INTERNAL_H
#define KQVM_VM_VM_INTERNAL_H

#include "boot/linux.h"
#include "irq/chip.h"
#include "pass/pass.h"
#include "vdev/vdev.h"
#include "vdev/vdev_ctx.h"
#include "vm/bus.h"
#include "vm/event.h"
#include "vm/guestmem.h"
#include "vm/vm.h"

#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>

struct pci_bus;

enum vm_outcome {
    VM_RUNNING,
    VM_POWEROFF,
    VM_RESET,
    VM_CRASH,       /* triple fault */
    VM_UNSUPPORTED, /* an instruction or internal error kqvm could not handle */
    VM_SIGNAL,      /* SIGINT, SIGTERM, SIGHUP, or the terminal escape */
    VM_HOST_ERROR,
};

enum { VCPU_EXIT_REASONS = 64 }; /* KVM_EXIT_* counted one by one; the rest as 0 (unknown) */

struct vcpu {
    struct vm *vm;
    unsigned index;
    int fd;
    struct kvm_run *run;
    size_t run_size;
    pthread_t thread;
    bool thread_started;
    uint64_t exits;
    _Atomic uint64_t reasons[VCPU_EXIT_REASONS]; /* written by the vCPU thread only */
};

struct vdev_instance {
    const struct vdev_spec *spec;
    void *dev;
    struct vdev_ctx ctx;
    struct irq_line *lines; /* one per spec->intr */
};

/* Where the boot vCPU starts (set by the loader, used by the arch code). */
struct boot_entry {
    uint64_t entry;
    bool found;         /* an image with an entry point was loaded */
    uint64_t lo, hi;    /* the extent of everything loaded, for the boot-area check */
    bool any_loaded;
    uint64_t initrd_start, initrd_end; /* arm64: for the device tree (0, 0: none) */
    uint8_t *fdt;       /* arm64: the user's device tree (fdt load), malloc'd */
    uint64_t fdt_addr;  /* where fdt load put it (0: the boot area) */
    struct linux_kernel kernel; /* kernel.loaded: the image is a Linux kernel */
};

enum { UNCLAIMED_LOGGED_MAX = 64 };

struct vm {
    const struct vm_spec *spec;
    int kvm_fd, vm_fd;
    struct guestmem mem;
    struct bus pio, mmio;
    struct vcpu *vcpus;
    unsigned nvcpus;
    struct vdev_instance *vdevs;
    unsigned nvdevs;
    struct hostdev **hostdevs; /* per vdev, kept across restarts (owned by vm_main) */
    struct pass_set *pass;     /* pass-through, kept across restarts (owned by vm_main) */
    struct irq_line *pass_lines; /* one per pass intr, this boot's */
    struct pci_bus *pci;         /* this boot's PCI bus (src/vm/pci.c), or NULL */
    unsigned pci_dma_mapped;     /* RAM regions mapped for the PCI devices' DMA */
    struct event_loop loop;
    struct irq_backend *irqb;
    /* KVM's I/O APIC and 8259 instead of kqvm's; on arm64 KVM's vGIC (gic-hwassist) */
    bool kernel_irqchip;
    int irqchip_fd; /* arm64: KVM's vGIC device, or -1 */
    int sigfd;
    _Atomic int outcome; /* enum vm_outcome; the first request wins */
    int signo;
    struct boot_entry boot;
    /* unclaimed addresses already logged (space << 63 | addr) */
    pthread_mutex_t unclaimed_lock;
    uint64_t unclaimed_logged[UNCLAIMED_LOGGED_MAX];
    unsigned nunclaimed_logged;
    _Atomic uint64_t unclaimed_count;
};

/* The interrupt counters, to the log (set irq-stats, SIGUSR1). */
void vm_print_irq_stats(struct vm *vm);
/* Exits per vCPU and reason, accesses per bus range (set exit-stats, SIGUSR1). */
void vm_print_exit_stats(const struct vm *vm);
/* Make one vCPU leave KVM_RUN (to look at pending work); any thread. */
void vcpu_kick(struct vcpu *v);
/* Ask the VM to stop with this outcome (the first request wins); any thread. */
void vm_stop(struct vm *vm, enum vm_outcome why);

/* KVM helpers */
int kvm_ioctl_checked(int fd, unsigned long req, void *arg, const char *what);

/* The PCI bus of a boot (src/vm/pci.c): built before the VM's buses are
 * sealed; torn down after the pass-through sources are detached. */
bool vm_pci_setup(struct vm *vm);
void vm_pci_teardown(struct vm *vm);

/* Arch hooks (src/arch/x86, src/arch/arm64) */
bool arch_vm_init(struct vm *vm);            /* after KVM_CREATE_VM, before vCPUs */
/* The interrupt backend (src/irq/kvm.c) for this VM's interrupt controllers. */
struct irq_backend *arch_irq_backend_create(struct vm *vm);
bool arch_vcpu_init(struct vcpu *v);         /* CPUID and such, every vCPU */
/* boot data and the boot vCPU's registers (every vCPU exists by then) */
bool arch_boot_setup(struct vm *vm);
/* An exit the generic loop does not know; false stops the VM (outcome set). */
bool arch_handle_exit(struct vcpu *v);
void arch_dump_registers(struct vcpu *v, const char *why);
/* Deliver a fault for the access the vCPU is stopped at ("unsupported ... fail"). */
void arch_fail_access(struct vcpu *v);

/* Loaders (src/boot) */
bool load_images(struct vm *vm);

#endif
