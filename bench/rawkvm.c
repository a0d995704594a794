/* The baseline of `make bench`: the smallest KVM loop that runs a kqvm test
 * guest. It sets the guest up as kqvm does (same memory, the same direct
 * 64-bit entry) and then handles exits with a bare switch: what is left of
 * kqvm's cost per exit is kqvm's own.
 *
 * By default the irqchip is split and there are no interrupt sources. With
 * --kernel-pit the VM has KVM's whole in-kernel irqchip and its in-kernel
 * PIT, and the guest gets the ACPI tables kqvm makes for `set kernel-irqchip
 * on` (MADT: the I/O APIC at 0xfec00000, the 8259 pair): the fastest a PIT
 * interrupt can reach a guest on this KVM, with no user space on the path.
 *
 * With --irqfd GSI:FD (in-kernel irqchip too) the eventfd inherited as FD
 * drives GSI through KVM_IRQFD with a resample eventfd: level-triggered, the
 * EOI handled inside KVM; the path QEMU gives a VFIO device's INTx. --map
 * GPA:FILE maps 8 KiB of FILE at GPA (the pass-through model's registers).
 * usage: rawkvm [--kernel-pit] [--irqfd GSI:FD] [--map GPA:FILE] GUEST.elf [CMDLINE] */
#include "arch/x86/x86.h"
#include "boot/elf.h"
#include "config/frontend.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define RAM_SIZE      (64ull << 20)
#define BOOT_BASE     0x1000
#define PORT_UART     0x3f8
#define PORT_PM1A_CNT 0x604
/* what kqvm's tables describe when KVM's in-kernel irqchip is used */
static const char KERNEL_IRQCHIP_CONFIG[] = "ram 64M\n"
                                            "set kernel-irqchip on\n"
                                            "vdev ioapic\n";

static int die(const char *what)
{
    fprintf(stderr, "rawkvm: %s: %s\n", what, strerror(errno));
    return 1;
}

/* --irqfd GSI:FD: FD drives GSI, with a resample eventfd (level). */
static int add_irqfd(int vm, const char *arg)
{
    unsigned gsi, fd;
    if (sscanf(arg, "%u:%u", &gsi, &fd) != 2)
        return die("--irqfd GSI:FD");
    int resample = eventfd(0, EFD_CLOEXEC);
    struct kvm_irqfd irqfd = {
        .fd = fd, .gsi = gsi, .flags = KVM_IRQFD_FLAG_RESAMPLE, .resamplefd = (uint32_t)resample
    };
    if (resample < 0 || ioctl(vm, KVM_IRQFD, &irqfd) < 0)
        return die("KVM_IRQFD");
    return 0;
}

/* --map GPA:FILE: 8 KiB of FILE, shared, at GPA (memory slot 1). */
static int add_map(int vm, const char *arg)
{
    unsigned long long gpa;
    int n = 0;
    if (sscanf(arg, "%lli:%n", &gpa, &n) != 1 || !n)
        return die("--map GPA:FILE");
    int fd = open(arg + n, O_RDWR | O_CLOEXEC);
    void *p = fd < 0 ? MAP_FAILED : mmap(NULL, 0x2000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    struct kvm_userspace_memory_region slot = {
        .slot = 1, .guest_phys_addr = gpa, .memory_size = 0x2000, .userspace_addr = (uintptr_t)p
    };
    if (p == MAP_FAILED || ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
        return die(arg + n);
    return 0;
}

int main(int argc, char **argv)
{
    bool kernel_pit = false;
    const char *irqfd = NULL, *map = NULL;
    for (; argc > 1 && !strncmp(argv[1], "--", 2); argc--, argv++) {
        if (!strcmp(argv[1], "--kernel-pit")) {
            kernel_pit = true;
        } else if (argc > 2 && !strcmp(argv[1], "--irqfd")) {
            irqfd = argv[2];
            argc--, argv++;
        } else if (argc > 2 && !strcmp(argv[1], "--map")) {
            map = argv[2];
            argc--, argv++;
        } else {
            break;
        }
    }
    if (argc < 2) {
        fprintf(stderr, "usage: rawkvm [--kernel-pit] [--irqfd GSI:FD] [--map GPA:FILE] "
                        "GUEST.elf [CMDLINE]\n");
        return 2;
    }
    bool kernel_irqchip = kernel_pit || irqfd;
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0)
        return die("/dev/kvm");
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0)
        return die("KVM_CREATE_VM");
    uint64_t idmap = 0xfeffc000;
    struct kvm_enable_cap split = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args = { 24 } };
    struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
    if (ioctl(vm, KVM_SET_IDENTITY_MAP_ADDR, &idmap) < 0 ||
        ioctl(vm, KVM_SET_TSS_ADDR, 0xfeffd000ul) < 0)
        return die("VM setup");
    if (kernel_irqchip ? ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0
                       : ioctl(vm, KVM_ENABLE_CAP, &split) < 0)
        return die("irqchip");
    if ((kernel_pit && ioctl(vm, KVM_CREATE_PIT2, &pit) < 0))
        return die("KVM_CREATE_PIT2");
    if ((irqfd && add_irqfd(vm, irqfd)) || (map && add_map(vm, map)))
        return 1;
    struct frontend tables; /* the ACPI tables' description, in-kernel irqchip only */
    frontend_init(&tables, stderr);
    if (kernel_irqchip) {
        frontend_add_text(&tables, "<rawkvm>", ".", KERNEL_IRQCHIP_CONFIG,
                          sizeof(KERNEL_IRQCHIP_CONFIG) - 1);
        if (!frontend_finish(&tables))
            return 1;
    }
    uint8_t *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    struct kvm_userspace_memory_region slot = { .memory_size = RAM_SIZE,
                                                .userspace_addr = (uintptr_t)ram };
    if (ram == MAP_FAILED || ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
        return die("memory");
    struct guestmem_region region = { .gpa = 0, .length = RAM_SIZE, .host = ram };
    struct guestmem mem = { .r = &region, .n = 1 };

    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return die(argv[1]);
    uint8_t *img = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    struct elf_loaded e;
    const char *why = "mmap";
    if (img == MAP_FAILED || !elf_load(&mem, img, (size_t)st.st_size, EM_X86_64, &e, &why)) {
        fprintf(stderr, "rawkvm: %s: %s\n", argv[1], why);
        return 1;
    }

    int cpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, cpu, 0);
    if (cpu < 0 || run == MAP_FAILED)
        return die("vCPU");
    struct {
        struct kvm_cpuid2 c;
        struct kvm_cpuid_entry2 e[256];
    } cpuid = { .c.nent = 256 };
    if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, &cpuid) < 0 || ioctl(cpu, KVM_SET_CPUID2, &cpuid) < 0)
        return die("CPUID");
    struct kvm_sregs sregs;
    struct kvm_regs regs;
    if (ioctl(cpu, KVM_GET_SREGS, &sregs) < 0 ||
        !x86_build_boot_area(&mem, BOOT_BASE, 1, argc > 2 ? argv[2] : NULL,
                             kernel_irqchip ? &tables.vm : NULL, e.entry, &sregs, &regs) ||
        ioctl(cpu, KVM_SET_SREGS, &sregs) < 0 || ioctl(cpu, KVM_SET_REGS, &regs) < 0)
        return die("boot state");
    uint32_t tsc_khz = (uint32_t)ioctl(cpu, KVM_GET_TSC_KHZ, 0);

    uint64_t exits = 0, io_exits = 0;
    bool dlab = false; /* the UART's divisor latch: writes to 0x3f8 are not text then */
    for (;;) {
        if (ioctl(cpu, KVM_RUN, 0) < 0) {
            if (errno == EINTR)
                continue;
            return die("KVM_RUN");
        }
        exits++;
        if (run->exit_reason != KVM_EXIT_IO && run->exit_reason != KVM_EXIT_MMIO) {
            fprintf(stderr, "rawkvm: exit reason %u\n", run->exit_reason);
            return 1;
        }
        if (run->exit_reason != KVM_EXIT_IO)
            continue;
        io_exits++;
        uint8_t *data = (uint8_t *)run + run->io.data_offset;
        if (run->io.direction == KVM_EXIT_IO_IN) {
            /* the UART's line status says "transmitter empty"; the rest reads all ones */
            memset(data, run->io.port == PORT_UART + 5 ? 0x60 : 0xff, run->io.size);
            continue;
        }
        if (run->io.port == PORT_UART + 3)
            dlab = data[0] & 0x80;
        else if (run->io.port == PORT_UART && !dlab)
            fputc(data[0], stdout);
        else if (run->io.port == PORT_PM1A_CNT && run->io.size == 2 && (data[1] & 0x20))
            break;
    }
    printf("rawkvm: %llu exits (io %llu), guest TSC %u kHz\n", (unsigned long long)exits,
           (unsigned long long)io_exits, tsc_khz);
    frontend_free(&tables);
    return 0;
}
