/* When KVM's instruction emulator gives up (KVM_EXIT_INTERNAL_ERROR,
 * KVM_INTERNAL_ERROR_EMULATION). On some hosts guest kernel code runs through
 * that emulator, which cannot do INT3 at CPL 0 (Linux's int3 self-test does
 * it): kqvm delivers the #BP itself. Anything else follows `unsupported
 * instruction`: abort (stop, status 5), fail (#UD), or ignore (skip it when
 * its length is known, else #UD). */
#include "arch/x86/x86.h"

#include "util/log.h"

#include <string.h>

#define MAX_INSN 15

static bool translate(struct vcpu *v, uint64_t gva, uint64_t *gpa)
{
    struct kvm_translation t = { .linear_address = gva };
    if (kvm_ioctl_checked(v->fd, KVM_TRANSLATE, &t, "KVM_TRANSLATE") < 0 || !t.valid)
        return false;
    *gpa = t.physical_address;
    return true;
}

/* Page by page: a range that is contiguous virtually need not be physically. */
static bool access_virt(struct vcpu *v, uint64_t gva, void *buf, size_t len, bool write)
{
    uint8_t *p = buf;
    while (len) {
        size_t chunk = 0x1000 - (gva & 0xfff);
        if (chunk > len)
            chunk = len;
        uint64_t gpa;
        if (!translate(v, gva, &gpa))
            return false;
        bool ok = write ? guestmem_write(&v->vm->mem, gpa, p, chunk)
                        : guestmem_read(&v->vm->mem, gpa, p, chunk);
        if (!ok)
            return false;
        gva += chunk;
        p += chunk;
        len -= chunk;
    }
    return true;
}

bool x86_read_virt(struct vcpu *v, uint64_t gva, void *buf, size_t len)
{
    return access_virt(v, gva, buf, len, false);
}

bool x86_write_virt(struct vcpu *v, uint64_t gva, const void *buf, size_t len)
{
    return access_virt(v, gva, (void *)buf, len, true);
}

/* Deliver #BP for an INT3 at CPL 0 in long mode, as the processor would:
 * through IDT entry 3, on the IST stack when the gate has one, pushing SS, RSP,
 * RFLAGS, CS and the address after the INT3. */
static bool deliver_int3(struct vcpu *v, struct kvm_regs *r, struct kvm_sregs *s)
{
    uint8_t gate[16];
    if (s->idt.limit < X86_VEC_BP * 16 + 15 ||
        !x86_read_virt(v, s->idt.base + X86_VEC_BP * 16, gate, sizeof(gate)))
        return false;
    uint16_t selector = (uint16_t)(gate[2] | gate[3] << 8);
    unsigned ist = gate[4] & 7, type = gate[5] & 0xf;
    bool present = gate[5] & 0x80;
    uint64_t target = (uint64_t)gate[0] | (uint64_t)gate[1] << 8 | (uint64_t)gate[6] << 16 |
                      (uint64_t)gate[7] << 24;
    uint32_t hi;
    memcpy(&hi, gate + 8, 4);
    target |= (uint64_t)hi << 32;
    /* A gate into another code segment would need a descriptor load: leave it to KVM. */
    if (!present || (type != 0xe && type != 0xf) || selector != s->cs.selector)
        return false;
    uint64_t rsp = r->rsp;
    if (ist && !x86_read_virt(v, s->tr.base + 0x24 + (ist - 1) * 8, &rsp, sizeof(rsp)))
        return false;
    rsp &= ~0xfull;
    uint64_t frame[5] = { r->rip + 1, s->cs.selector, r->rflags, r->rsp, s->ss.selector };
    rsp -= sizeof(frame);
    if (!x86_write_virt(v, rsp, frame, sizeof(frame)))
        return false;
    r->rsp = rsp;
    r->rip = target;
    r->rflags &= ~(uint64_t)(X86_RFLAGS_TF | X86_RFLAGS_NT | X86_RFLAGS_RF | X86_RFLAGS_VM);
    if (type == 0xe)
        r->rflags &= ~(uint64_t)X86_RFLAGS_IF; /* interrupt gate */
    return kvm_ioctl_checked(v->fd, KVM_SET_REGS, r, "KVM_SET_REGS") == 0;
}

/* Length of a ModRM operand (ModRM, SIB, displacement) at p, 64-bit mode. */
static unsigned modrm_length(const uint8_t *p, size_t avail, bool addr32)
{
    (void)addr32; /* 32-bit addressing in long mode uses the same ModRM layout */
    if (avail < 1)
        return 0;
    unsigned mod = p[0] >> 6, rm = p[0] & 7, len = 1;
    if (mod != 3 && rm == 4) {
        if (avail < 2)
            return 0;
        len++;
        if (mod == 0 && (p[1] & 7) == 5)
            len += 4; /* SIB with no base: disp32 */
    }
    if (mod == 0 && rm == 5)
        len += 4; /* RIP-relative */
    else if (mod == 1)
        len += 1;
    else if (mod == 2)
        len += 4;
    return len <= avail ? len : 0;
}

/* The length of the instructions kqvm knows how to skip: the 0F C7 group
 * (CMPXCHG8B/16B) and the 0F AE group (FXSAVE, XSAVE, XRSTOR, ...), with
 * prefixes. 0: unknown. */
static unsigned known_length(const uint8_t *b, size_t n)
{
    size_t i = 0;
    bool addr32 = false;
    while (i < n && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf0 || b[i] == 0xf2 ||
                     b[i] == 0xf3 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e ||
                     b[i] == 0x26 || b[i] == 0x64 || b[i] == 0x65)) {
        addr32 |= b[i] == 0x67;
        i++;
    }
    if (i < n && (b[i] & 0xf0) == 0x40)
        i++; /* REX */
    if (i + 2 > n || b[i] != 0x0f || (b[i + 1] != 0xc7 && b[i + 1] != 0xae))
        return 0;
    unsigned m = modrm_length(b + i + 2, n - i - 2, addr32);
    return m ? (unsigned)(i + 2 + m) : 0;
}

bool x86_emulation_failure(struct vcpu *v)
{
    struct kvm_regs r;
    struct kvm_sregs s;
    if (kvm_ioctl_checked(v->fd, KVM_GET_REGS, &r, "KVM_GET_REGS") < 0 ||
        kvm_ioctl_checked(v->fd, KVM_GET_SREGS, &s, "KVM_GET_SREGS") < 0) {
        vm_stop(v->vm, VM_HOST_ERROR);
        return false;
    }
    uint8_t insn[MAX_INSN];
    size_t n = 0;
    while (n < MAX_INSN && x86_read_virt(v, s.cs.base + r.rip + n, insn + n, 1))
        n++;
    char hex[3 * MAX_INSN + 1] = "";
    for (size_t i = 0; i < n; i++)
        snprintf(hex + 3 * i, 4, "%02x ", insn[i]);
    bool long_mode = s.efer & X86_EFER_LMA;
    if (n && insn[0] == 0xcc && s.cs.dpl == 0 && long_mode) {
        log_debug("vCPU %u: KVM cannot emulate INT3 at CPL 0 (rip 0x%llx): delivering #BP",
                  v->index, (unsigned long long)r.rip);
        if (deliver_int3(v, &r, &s))
            return true;
        return x86_inject_exception(v, X86_VEC_BP, false, 0); /* let KVM try */
    }
    enum unsupported_action act = v->vm->spec->unsupported[UNSUP_INSTRUCTION];
    log_warn("vCPU %u: KVM cannot emulate the instruction at rip 0x%llx (cpl %u): %s",
             v->index, (unsigned long long)r.rip, s.cs.dpl, n ? hex : "(unreadable)");
    if (act == UNSUP_ABORT) {
        log_error("unsupported instruction abort: stopping the VM");
        arch_dump_registers(v, "unsupported instruction");
        vm_stop(v->vm, VM_UNSUPPORTED);
        return false;
    }
    unsigned len = act == UNSUP_IGNORE ? known_length(insn, n) : 0;
    if (len) {
        r.rip += len;
        return kvm_ioctl_checked(v->fd, KVM_SET_REGS, &r, "KVM_SET_REGS") == 0;
    }
    if (act == UNSUP_IGNORE)
        log_warn("vCPU %u: cannot skip it (length unknown): raising #UD instead", v->index);
    return x86_inject_exception(v, X86_VEC_UD, false, 0);
}
