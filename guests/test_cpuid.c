/* test_cpuid: the CPUID kqvm gives its guests hides what kqvm's instruction
 * emulator does not handle:
 *   cpuid.leaf1   leaf 1 ECX: CMPXCHG16B (13), XSAVE (26), OSXSAVE (27) and
 *                 AVX (28) clear
 *   cpuid.leafd   leaf 0xd (if the maximum basic leaf reaches it) reports no
 *                 state component beyond x87 and SSE: subleaf 0 EDX:EAX
 *                 (XCR0 bits) has bits 0-1 at most, subleaf 1 EDX:ECX (XSS
 *                 bits) is 0, and subleaves 2-63 have size 0. Subleaf 1 EAX
 *                 (XSAVEOPT, XSAVEC, ...) is printed, not checked: those are
 *                 instructions, moot without XSAVE.
 *   cpuid.hypervisor  leaf 1 ECX bit 31 (hypervisor present) is set, and leaf
 *                 0x40000000 names KVM ("KVMKVMKVM"): Linux uses KVM's
 *                 paravirtual clock only when both are there.
 * The raw values are printed. */
#include "io.h"
#include "kstring.h"
#include "kit.h"
#include "test.h"

void kmain(const struct kqvm_boot_info *bi)
{
    (void)bi;
    struct cpuid_regs l0 = cpuid(0, 0);
    char vendor[13];
    uint32_t v[3] = { l0.ebx, l0.edx, l0.ecx };
    for (int i = 0; i < 12; i++)
        vendor[i] = (char)(v[i / 4] >> (8 * (i % 4)));
    vendor[12] = '\0';
    kprintf("test_cpuid: leaf 0: max 0x%x vendor \"%s\"\n", l0.eax, vendor);

    struct cpuid_regs l1 = cpuid(1, 0);
    kprintf("test_cpuid: leaf 1: eax 0x%08x ebx 0x%08x ecx 0x%08x edx 0x%08x\n", l1.eax, l1.ebx,
            l1.ecx, l1.edx);
    const uint32_t bad1 = 1u << 13 | 1u << 26 | 1u << 27 | 1u << 28;
    TEST_CHECK("cpuid.leaf1", !(l1.ecx & bad1), "ECX 0x%08x has%s%s%s%s", l1.ecx,
               l1.ecx & 1u << 13 ? " CMPXCHG16B" : "", l1.ecx & 1u << 26 ? " XSAVE" : "",
               l1.ecx & 1u << 27 ? " OSXSAVE" : "", l1.ecx & 1u << 28 ? " AVX" : "");

    struct cpuid_regs h = cpuid(0x40000000, 0);
    char sig[13];
    uint32_t hv[3] = { h.ebx, h.ecx, h.edx };
    for (int i = 0; i < 12; i++)
        sig[i] = (char)(hv[i / 4] >> (8 * (i % 4)));
    sig[12] = '\0';
    kprintf("test_cpuid: leaf 0x40000000: max 0x%x signature \"%s\"\n", h.eax, sig);
    TEST_CHECK("cpuid.hypervisor", (l1.ecx & 1u << 31) && !memcmp(sig, "KVMKVMKVM\0\0\0", 12),
               "leaf 1 ECX bit 31 %s, signature \"%s\"", l1.ecx & 1u << 31 ? "set" : "clear", sig);

    if (l0.eax < 0xd) {
        kprintf("test_cpuid: leaf 0xd: above the maximum basic leaf\n");
        TEST_PASS("cpuid.leafd");
    } else {
        struct cpuid_regs d0 = cpuid(0xd, 0), d1 = cpuid(0xd, 1);
        kprintf("test_cpuid: leaf 0xd.0: eax 0x%08x ebx 0x%08x ecx 0x%08x edx 0x%08x\n", d0.eax,
                d0.ebx, d0.ecx, d0.edx);
        kprintf("test_cpuid: leaf 0xd.1: eax 0x%08x ebx 0x%08x ecx 0x%08x edx 0x%08x\n", d1.eax,
                d1.ebx, d1.ecx, d1.edx);
        /* state components 2..63: any with a size is more than x87/SSE */
        unsigned first_sized = 0, nsized = 0;
        for (unsigned i = 2; i < 64; i++) {
            struct cpuid_regs di = cpuid(0xd, i);
            if (di.eax) {
                if (!nsized++)
                    first_sized = i;
                kprintf("test_cpuid: leaf 0xd.%u: eax 0x%08x ebx 0x%08x ecx 0x%08x edx 0x%08x\n", i,
                        di.eax, di.ebx, di.ecx, di.edx);
            }
        }
        TEST_CHECK("cpuid.leafd",
                   (d0.eax & ~3u) == 0 && d0.edx == 0 && d1.ecx == 0 && d1.edx == 0 && !nsized,
                   "XCR0 bits 0x%08x%08x (want 3 at most), XSS bits 0x%08x%08x (want 0), %u "
                   "component(s) 2-63 with a size (first: %u)",
                   d0.edx, d0.eax, d1.edx, d1.ecx, nsized, first_sized);
    }
    TEST_DONE();
}
