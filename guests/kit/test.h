/* Reporting, one line each on the UART:
 *   KQVM-TEST: PASS <name>
 *   KQVM-TEST: FAIL <name>: <why>
 *   KQVM-TEST: SKIP <name>: <why>     (the check could not run on this host)
 *   KQVM-TEST: DONE                   (last line; then the guest powers off)
 * A harness should require DONE and no FAIL line. */
#ifndef KIT_TEST_H
#define KIT_TEST_H

#include "power.h"
#include "serial.h"

extern unsigned test_failures;

#define TEST_PASS(name) kprintf("KQVM-TEST: PASS %s\n", (name))

__attribute__((format(printf, 2, 3))) void test_fail(const char *name, const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void test_skip(const char *name, const char *fmt, ...);
/* Before DONE: says what the host did wrong that the kit worked around. */
void test_note_host(void);

#define TEST_FAIL(name, ...) test_fail((name), __VA_ARGS__)
#define TEST_SKIP(name, ...) test_skip((name), __VA_ARGS__)

/* PASS if cond holds, else FAIL with the formatted reason. */
#define TEST_CHECK(name, cond, ...)                                                                \
    do {                                                                                           \
        if (cond)                                                                                  \
            TEST_PASS(name);                                                                       \
        else                                                                                       \
            TEST_FAIL((name), __VA_ARGS__);                                                        \
    } while (0)

/* Prints "KQVM-TEST: DONE" and powers off. */
#define TEST_DONE()                                                                                \
    do {                                                                                           \
        test_note_host();                                                                          \
        kprintf("KQVM-TEST: DONE\n");                                                              \
        power_off();                                                                               \
    } while (0)

#endif
