#include "tsc.h"

#include "io.h"

#define TSC_FALLBACK_KHZ 4000000u

static uint64_t khz_cache;
static int khz_known;

static uint64_t probe(void)
{
    uint32_t max = cpuid(0, 0).eax;
    if (max >= 0x15) {
        struct cpuid_regs r = cpuid(0x15, 0);
        if (r.eax && r.ebx && r.ecx)
            return (uint64_t)r.ecx * r.ebx / r.eax / 1000;
    }
    if (max >= 0x16) {
        struct cpuid_regs r = cpuid(0x16, 0);
        if (r.eax & 0xffff)
            return (uint64_t)(r.eax & 0xffff) * 1000;
    }
    if (cpuid(1, 0).ecx & (1u << 31)) { /* hypervisor present */
        struct cpuid_regs h = cpuid(0x40000000, 0);
        if (h.eax >= 0x40000010 && h.eax < 0x40000100) {
            struct cpuid_regs r = cpuid(0x40000010, 0);
            if (r.eax)
                return r.eax;
        }
    }
    return 0;
}

uint64_t tsc_khz(void)
{
    if (!khz_cache) {
        uint64_t k = probe();
        khz_known = k != 0;
        khz_cache = k ? k : TSC_FALLBACK_KHZ;
    }
    return khz_cache;
}

int tsc_khz_known(void)
{
    tsc_khz();
    return khz_known;
}

void tsc_set_khz(uint64_t khz)
{
    if (khz) {
        khz_cache = khz;
        khz_known = 1;
    }
}

uint64_t tsc_deadline_us(uint64_t us)
{
    return rdtsc() + us * tsc_khz() / 1000;
}

int tsc_expired(uint64_t deadline)
{
    return (int64_t)(rdtsc() - deadline) >= 0;
}

void delay_us(uint64_t us)
{
    uint64_t d = tsc_deadline_us(us);
    while (!tsc_expired(d))
        pause();
}
