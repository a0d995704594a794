/* The guest side of passmodel's protocol (passmodel.h) and the tests built
 * on it, shared by the test guests' drivers: guests/test_pass.c (x86) and
 * guests/arm64/test_pass.c. Header-only, freestanding. The includer has
 * kprintf, TEST_PASS/TEST_FAIL/TEST_CHECK, and defines before including it:
 *
 *   uint32_t pd_read(unsigned off);          one 32-bit load of a register
 *   void pd_write(unsigned off, uint32_t v); one 32-bit store
 *   uint64_t pd_now(void);                   a clock (TSC, CNTVCT), in ticks
 *   uint64_t pd_deadline_us(uint64_t us);    pd_now() us from now
 *
 * and after it, for the tests:
 *
 *   bool pd_wait(unsigned irqs, uint32_t seq, uint64_t timeout_us);
 *       with interrupts taken, until pd_irqs reaches irqs and (seq not 0)
 *       pd_seen_done is seq, or timeout_us pass; whether they did
 *   void pd_reset(void);                     resets the machine
 *
 * Its interrupt handler calls pd_on_interrupt() before the EOI.
 * A trapped register access must be a single plain load or store: on arm64
 * KVM hands only those to kqvm (no pairs, no writeback). */
#ifndef KQVM_TESTS_PASSDRIVER_H
#define KQVM_TESTS_PASSDRIVER_H

#include "passmodel.h"

#include "../../guests/latency.h"

#include <stdbool.h>
#include <stdint.h>

#define PD_MAX_ROUNDS 4096

static volatile unsigned pd_irqs;      /* interrupts the handler took */
static volatile uint32_t pd_seen_done; /* PM_DONE_SEQ at the last one */
static volatile uint64_t pd_handled_at;
static volatile bool pd_reset_in_handler;

static bool pd_wait(unsigned irqs, uint32_t seq, uint64_t timeout_us);
static void pd_reset(void);

/* Ask the model for op(arg): it answers with one interrupt (PM_OP_*).
 * Returns the command's sequence number (PM_DONE_SEQ reaches it). */
static inline uint32_t pd_command(uint32_t op, uint32_t arg)
{
    uint32_t seq = pd_read(PM_CMD_SEQ) + 1;
    pd_write(PM_OP, op);
    pd_write(PM_ARG, arg);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    pd_write(PM_CMD_SEQ, seq); /* the model polls this */
    return seq;
}

/* The handler's part. For the crash test, it asks for one more interrupt
 * and resets the machine while this one is not ended. */
static inline void pd_on_interrupt(void)
{
    pd_handled_at = pd_now();
    pd_irqs++;
    pd_seen_done = pd_read(PM_DONE_SEQ);
    if (pd_reset_in_handler) {
        pd_command(PM_OP_FIRE, 0);
        while (pd_read(PM_DONE_SEQ) != pd_read(PM_CMD_SEQ))
            ; /* the model took it */
        pd_reset();
    }
}

/* basic: rounds commands, each answered by the model's interrupt with the
 * result (pass.basic); 512 words through the slot page, plain memory the
 * model checks at the end; a value through the trapped half page, each
 * access an exit, which the model echoes inverted (pass.trap).
 * KQVM-PASS traps <n>: the trapped accesses, to compare with exit-stats. */
static inline void pd_test_basic(unsigned rounds)
{
    unsigned good = 0;
    for (unsigned i = 0; i < rounds; i++) {
        uint32_t arg = i * 7919 + 13;
        uint32_t seq = pd_command(PM_OP_COMPUTE, arg);
        if (!pd_wait(pd_irqs + 1, seq, 5000000)) {
            TEST_FAIL("pass.basic", "round %u: no interrupt for command %u in 5 s (irqs %u, done %u)",
                      i, seq, pd_irqs, pd_read(PM_DONE_SEQ));
            return;
        }
        good += pd_read(PM_RESULT) == arg * 3 + 1;
    }
    TEST_CHECK("pass.basic", good == rounds, "%u of %u results right", good, rounds);

    for (unsigned i = 0; i < PM_SLOT_WORDS; i++)
        pd_write(PM_SLOT + 4 * i, PM_SLOT_PATTERN(i));
    unsigned traps = 1;
    uint32_t v = 0x5a5aa5a5, out;
    pd_write(PM_TRAP_IN, v);
    uint64_t deadline = pd_deadline_us(5000000);
    do {
        out = pd_read(PM_TRAP_OUT);
        traps++;
    } while (out != ~v && pd_now() < deadline);
    TEST_CHECK("pass.trap", out == ~v,
               "wrote 0x%x through the trapped page, read back 0x%x (expected 0x%x)", v, out, ~v);
    kprintf("KQVM-PASS traps %u\n", traps);
}

/* crash: boot 1 takes an interrupt and, in its handler, before the EOI,
 * asks the model for another and resets the machine: a source masked in
 * flight with one more pending. Boot 2 (kqvm restarted the VM) must see
 * nothing stale in 200 ms, then exactly the interrupt it asks for.
 * pass.crash.clean, pass.crash.fires. */
static inline void pd_test_crash(void)
{
    uint32_t boots = pd_read(PM_BOOTS) + 1; /* the register file outlives the reset */
    pd_write(PM_BOOTS, boots);
    kprintf("test_pass: boot %u\n", boots);
    if (boots == 1) {
        pd_reset_in_handler = true;
        pd_command(PM_OP_FIRE, 0);
        pd_wait(1, 0, 5000000);
        TEST_FAIL("pass.crash", "boot 1: no interrupt in 5 s, or the reset did nothing");
        return;
    }
    pd_wait(1, 0, 200000);
    TEST_CHECK("pass.crash.clean", pd_irqs == 0, "%u stale interrupt(s) after the restart",
               pd_irqs);
    uint32_t seq = pd_command(PM_OP_FIRE, 0);
    bool ok = pd_wait(pd_irqs + 1, seq, 5000000);
    TEST_CHECK("pass.crash.fires", ok, "the source stayed masked after the restart (irqs %u)",
               pd_irqs);
}

/* latency, for `make bench`: rounds times, ask for one interrupt (a register
 * write, no exit) and wait; the handler reads the clock (of khz kHz).
 * bench_pass: rounds N late_us p50 A p99 B max C. */
static inline void pd_bench_latency(unsigned rounds, uint64_t khz)
{
    static uint64_t late[PD_MAX_ROUNDS];
    if (rounds == 0 || rounds > PD_MAX_ROUNDS || !khz) {
        TEST_FAIL("pass.latency", "rounds=%u (1 to %u) and the clock's rate (%lu kHz) are needed",
                  rounds, PD_MAX_ROUNDS, (unsigned long)khz);
        return;
    }
    for (unsigned i = 0; i < rounds; i++) {
        uint64_t t0 = pd_now();
        pd_command(PM_OP_FIRE, 0);
        if (!pd_wait(pd_irqs + 1, 0, 5000000)) {
            TEST_FAIL("pass.latency", "round %u: no interrupt in 5 s", i);
            return;
        }
        late[i] = pd_handled_at - t0;
    }
    latency_report("bench_pass", "rounds", late, rounds, khz);
}

#endif
