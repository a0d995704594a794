/* The CPUID policy: what KVM supports (KVM_GET_SUPPORTED_CPUID) minus a deny
 * list, plus each vCPU's APIC ID. The deny list removes what some KVM hosts
 * cannot run for a guest: CMPXCHG16B, and the XSAVE family with everything
 * whose state lives in XSAVE areas (AVX, AVX-512, AMX, ...); see
 * docs/architecture.md ("CPUID policy"). Guests then use FXSAVE and SSE.
 * The hypervisor bit is set, as on any VM: Linux looks for KVM's own leaves
 * (0x40000000, which KVM supplies) only then, and uses kvmclock instead of
 * calibrating the TSC against the PIT, which fails at nested-KVM speeds. */
#include "arch/x86/x86.h"

#include "util/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

struct cpuid_deny {
    uint32_t leaf, index;
    bool any_index;
    uint32_t eax, ebx, ecx, edx; /* bits to clear */
};

#define BIT(n) (1u << (n))

static const struct cpuid_deny deny[] = {
    /* leaf 1: FMA, CX16, XSAVE, OSXSAVE, AVX, F16C */
    { 1, 0, true, 0, 0, BIT(12) | BIT(13) | BIT(26) | BIT(27) | BIT(28) | BIT(29), 0 },
    /* leaf 7.0: AVX2, AVX-512 (F, DQ, IFMA, PF, ER, CD, BW, VL); VBMI, VBMI2, VAES,
     * VPCLMULQDQ, VNNI, BITALG, VPOPCNTDQ; 4VNNIW, 4FMAPS, VP2INTERSECT, AMX, FP16 */
    { 7, 0, false, 0,
      BIT(5) | BIT(16) | BIT(17) | BIT(21) | BIT(26) | BIT(27) | BIT(28) | BIT(30) | BIT(31),
      BIT(1) | BIT(6) | BIT(9) | BIT(10) | BIT(11) | BIT(12) | BIT(14),
      BIT(2) | BIT(3) | BIT(8) | BIT(22) | BIT(23) | BIT(24) | BIT(25) },
    /* leaf 7.1: AVX-VNNI, AVX512_BF16 */
    { 7, 1, false, BIT(4) | BIT(5), 0, 0, 0 },
    /* AMD: XOP, FMA4 */
    { 0x80000001, 0, true, 0, 0, BIT(11) | BIT(16), 0 },
};

static void apply_policy(struct kvm_cpuid_entry2 *e, unsigned apic_id, unsigned ncpus)
{
    for (unsigned i = 0; i < sizeof(deny) / sizeof(deny[0]); i++) {
        const struct cpuid_deny *d = &deny[i];
        if (e->function != d->leaf || (!d->any_index && e->index != d->index))
            continue;
        e->eax &= ~d->eax;
        e->ebx &= ~d->ebx;
        e->ecx &= ~d->ecx;
        e->edx &= ~d->edx;
    }
    switch (e->function) {
    case 1:
        /* initial APIC ID, and the logical processor count with HTT */
        e->ebx = (e->ebx & 0x0000ffffu) | (apic_id << 24) | ((ncpus & 0xff) << 16);
        if (ncpus > 1)
            e->edx |= BIT(28);
        e->ecx |= BIT(31); /* running under a hypervisor */
        break;
    case 0xd:
        /* no XSAVE: no state components either */
        e->eax = e->ebx = e->ecx = e->edx = 0;
        break;
    case 0xb:
    case 0x1f:
        e->edx = apic_id; /* x2APIC ID, every level */
        break;
    case 0x8000001e:
        e->eax = apic_id;
        break;
    }
}

bool x86_cpuid_init(struct vcpu *v)
{
    struct vm *vm = v->vm;
    unsigned n = 128;
    struct kvm_cpuid2 *c = NULL;
    for (;;) {
        c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
        if (!c)
            return false;
        c->nent = n;
        if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
            break;
        free(c);
        if (errno != E2BIG || n >= 4096) {
            log_error("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
            return false;
        }
        n *= 2;
    }
    for (unsigned i = 0; i < c->nent; i++)
        apply_policy(&c->entries[i], v->index, vm->spec->ncpus);
    bool ok = kvm_ioctl_checked(v->fd, KVM_SET_CPUID2, c, "KVM_SET_CPUID2") == 0;
    free(c);
    return ok;
}
