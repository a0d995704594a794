/* test_int3: #BP delivery, natively and through KVM's instruction emulator.
 *
 * KVM's force-emulation prefix is "ud2; .ascii \"kvm\"" (0f 0b 6b 76 6d):
 * with the kvm module parameter force_emulation_prefix=1, KVM skips it and
 * sends the next instruction through its emulator. KVM's emulator cannot
 * deliver INT3 in long mode; kqvm then delivers it itself (docs/architecture.md,
 * "Instruction fallback"). Each check runs one int3 and expects the #BP
 * handler to run exactly once with the frame a processor pushes: RIP just
 * past the int3, CS, RFLAGS, RSP and SS as they were at the int3.
 *
 *   int3.plain     int3 at CPL 0
 *   int3.fep       0f 0b 6b 76 6d cc at CPL 0
 *   int3.ist       int3 at CPL 0, #BP gate with IST 1: the frame is on the IST stack
 *   int3.fep_ist   the prefixed int3 with IST 1
 *   int3.user      int3 at CPL 3 (the #BP gate has DPL 3), CS 0x23, SS 0x1b
 *
 * First a probe ("prefix; mov $imm, %eax") finds out whether the host honours
 * the prefix; if it raises #UD, the two prefixed checks are reported as SKIP
 * (the host's KVM runs without force_emulation_prefix) and their int3 runs
 * natively. A #UD at the prefixed int3 itself (KVM's emulator gave up and
 * the VMM let KVM's #UD through) is a FAIL; the test skips that int3 and goes
 * on. */
#include "gdt.h"
#include "idt.h"
#include "kit.h"
#include "test.h"
#include "user.h"

#define FEP_BYTES ".byte 0x0f, 0x0b, 0x6b, 0x76, 0x6d\n\t"
#define RFLAGS_RF (1ull << 16)

struct frame_rec {
    unsigned count;
    uint64_t rip, cs, rflags, rsp, ss;
    uint64_t frame_addr; /* where the CPU (or kqvm) put the frame */
};

/* what the int3 site saw */
struct site {
    uint64_t after, rsp, rflags;
};

static volatile struct frame_rec bp;
static volatile unsigned ud_prefix, ud_int3;
static uint8_t ist_stack[8192] __attribute__((section(".noinit"), aligned(16)));

static void bp_handler(struct idt_frame *f)
{
    bp.count++;
    bp.rip = f->rip;
    bp.cs = f->cs;
    bp.rflags = f->rflags;
    bp.rsp = f->rsp;
    bp.ss = f->ss;
    bp.frame_addr = (uint64_t)(uintptr_t)&f->rip;
}

static int is_fep(const volatile uint8_t *p)
{
    return p[0] == 0x0f && p[1] == 0x0b && p[2] == 'k' && p[3] == 'v' && p[4] == 'm';
}

/* #UD on the prefix: the host does not honour it; step over it and let the
 * int3 (or mov) run natively. #UD on an int3 right after a prefix: the
 * emulation failed and nobody delivered the #BP; step over the int3. */
static void ud_handler(struct idt_frame *f)
{
    const volatile uint8_t *ip = (const volatile uint8_t *)(uintptr_t)f->rip;
    if (is_fep(ip)) {
        ud_prefix++;
        f->rip += 5;
        return;
    }
    if (ip[0] == 0xcc && is_fep(ip - 5)) {
        ud_int3++;
        f->rip += 1;
        return;
    }
    idt_unhandled(f);
}

static void reset(void)
{
    bp = (struct frame_rec){ 0 };
    ud_prefix = 0;
    ud_int3 = 0;
}

/* The site: RFLAGS and RSP right before the int3, and the address after it.
 * Nothing between pushfq/popq and the int3 changes RFLAGS. */
#define INT3_SITE(prefix, s)                                                                       \
    __asm__ volatile("pushfq\n\t"                                                                  \
                     "popq %1\n\t"                                                                 \
                     "movq %%rsp, %2\n\t"                                                          \
                     "leaq 1f(%%rip), %0\n\t" prefix "int3\n"                                      \
                     "1:"                                                                          \
                     : "=&r"((s).after), "=&r"((s).rflags), "=&r"((s).rsp)                         \
                     :                                                                             \
                     : "memory")

static __attribute__((noinline)) struct site plain_int3(void)
{
    struct site s;
    INT3_SITE("", s);
    return s;
}

static __attribute__((noinline)) struct site fep_int3(void)
{
    struct site s;
    INT3_SITE(FEP_BYTES, s);
    return s;
}

static struct site user_site;

static uint64_t user_int3(void *arg)
{
    (void)arg;
    INT3_SITE("", user_site);
    return 0;
}

/* ist_top: 0, or the IST stack top the frame must sit just below. */
static void check(const char *name, const struct site *s, uint64_t cs, uint64_t ss,
                  uint64_t ist_top)
{
    struct frame_rec r = bp;
    int frame_ok = r.rip == s->after && r.cs == cs && r.ss == ss && r.rsp == s->rsp &&
                   (r.rflags & ~RFLAGS_RF) == (s->rflags & ~RFLAGS_RF);
    int where_ok = !ist_top || r.frame_addr == ist_top - 40;
    if (r.count == 1 && frame_ok && where_ok && !ud_int3) {
        TEST_PASS(name);
        return;
    }
    if (ud_int3)
        TEST_FAIL(name, "#UD at the int3 after the prefix: the emulated int3 was not delivered");
    else if (r.count != 1)
        TEST_FAIL(name, "the #BP handler ran %u times", r.count);
    else if (!frame_ok)
        TEST_FAIL(name,
                  "frame RIP 0x%lx CS 0x%lx RFLAGS 0x%lx RSP 0x%lx SS 0x%lx; expected "
                  "RIP 0x%lx CS 0x%lx RFLAGS 0x%lx RSP 0x%lx SS 0x%lx",
                  r.rip, r.cs, r.rflags, r.rsp, r.ss, s->after, cs, s->rflags, s->rsp, ss);
    else
        TEST_FAIL(name, "frame at 0x%lx, expected 0x%lx (IST stack)", r.frame_addr, ist_top - 40);
}

void kmain(const struct kqvm_boot_info *bi)
{
    (void)bi;
    struct site s;
    idt_set_handler(3, bp_handler);
    idt_set_handler(6, ud_handler);

    reset();
    s = plain_int3();
    check("int3.plain", &s, GDT_KERNEL_CS, GDT_KERNEL_DS, 0);

    /* does the host honour the prefix? */
    uint32_t probe;
    reset();
    __asm__ volatile(FEP_BYTES "movl $0x4b515600, %0" : "=a"(probe) : : "memory");
    int fep = ud_prefix == 0 && probe == 0x4b515600;
    kprintf("test_int3: force-emulation prefix %s (probe: #UD %u, eax 0x%x)\n",
            fep ? "honoured" : "not honoured", ud_prefix, probe);

    reset();
    s = fep_int3();
    if (fep)
        check("int3.fep", &s, GDT_KERNEL_CS, GDT_KERNEL_DS, 0);
    else
        TEST_SKIP("int3.fep", "the host's KVM does not honour the force-emulation prefix");

    /* the same through an IST stack */
    uint64_t ist_top = (uint64_t)(uintptr_t)(ist_stack + sizeof(ist_stack));
    tss_set_ist(1, (void *)(uintptr_t)ist_top);
    idt_set_ist(3, 1);
    reset();
    s = plain_int3();
    check("int3.ist", &s, GDT_KERNEL_CS, GDT_KERNEL_DS, ist_top);
    reset();
    s = fep_int3();
    if (fep)
        check("int3.fep_ist", &s, GDT_KERNEL_CS, GDT_KERNEL_DS, ist_top);
    else
        TEST_SKIP("int3.fep_ist", "the host's KVM does not honour the force-emulation prefix");
    idt_set_ist(3, 0);

    /* int3 at CPL 3 */
    reset();
    user_call(user_int3, 0, 0);
    check("int3.user", &user_site, GDT_USER_CS, GDT_USER_DS, 0);
    TEST_DONE();
}
