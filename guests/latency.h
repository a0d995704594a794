/* Samples sorted for their percentiles, and the benchmarks' latency line,
 * for the guests of both kits (guests/kit, guests/arm64/kit). Header-only,
 * freestanding; the includer has kprintf. */
#ifndef KQVM_GUESTS_LATENCY_H
#define KQVM_GUESTS_LATENCY_H

#include <stdint.h>

/* Ascending, in place: an insertion sort, for a few thousand values. */
static inline void sort_u64(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        uint64_t x = v[i];
        unsigned j = i;
        for (; j && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* Sorts late[] (n samples, in ticks of a clock of khz kHz) and prints
 * "WHAT: COUNT_NAME N late_us p50 A p99 B max C", which bench/ parses. */
static inline void latency_report(const char *what, const char *count_name, uint64_t *late,
                                  unsigned n, uint64_t khz)
{
    sort_u64(late, n);
    kprintf("%s: %s %u late_us p50 %lu p99 %lu max %lu\n", what, count_name, n,
            (unsigned long)(late[n / 2] * 1000 / khz),
            (unsigned long)(late[n * 99 / 100] * 1000 / khz),
            (unsigned long)(late[n - 1] * 1000 / khz));
}

#endif
