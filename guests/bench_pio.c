/* bench_pio: port-I/O exit cost. From CPL 3 with IOPL 3, writes the 16550
 * scratch register (io:0x3ff) COUNT times (default 100000, or count=N on the
 * command line), timing the loop with rdtsc, and prints
 *   bench_pio: COUNT writes, CYCLES cycles
 *   bench_pio: CYCLES/COUNT cycles per write
 * then "KQVM-TEST: DONE" and powers off. The loop runs at CPL 3 so that it
 * runs natively even where kqvm emulates CPL-0 code. */
#include "cmdline.h"
#include "io.h"
#include "kit.h"
#include "test.h"
#include "tsc.h"
#include "user.h"

struct bench {
    uint64_t count;
    uint64_t cycles;
};

static uint64_t bench_user(void *arg)
{
    struct bench *b = arg;
    uint64_t n = b->count;
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < n; i++)
        outb(0x3ff, (uint8_t)i);
    uint64_t t1 = rdtsc();
    b->cycles = t1 - t0;
    return 0;
}

void kmain(const struct kqvm_boot_info *bi)
{
    struct bench b = { .count = 100000 };
    uint64_t n;
    if (cmdline_u64(bi, "count", &n) && n > 0)
        b.count = n;
    user_call(bench_user, &b, USER_IOPL3);
    kprintf("bench_pio: %lu writes, %lu cycles\n", b.count, b.cycles);
    kprintf("bench_pio: %lu cycles per write (TSC %lu kHz%s)\n", b.cycles / b.count, tsc_khz(),
            tsc_khz_known() ? "" : ", assumed");
    TEST_DONE();
}
