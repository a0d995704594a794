/* passmodel: a host-side device model for the pass-through tests.
 *
 *   passmodel REGFILE KQVM [ARG...]
 *
 * Creates REGFILE (the register block of passmodel.h, zeroed but for the ID)
 * and an eventfd inherited by kqvm as descriptor PASSMODEL_IRQ_FD, runs
 * KQVM ARG... (a configuration with `pass loc ...=file:REGFILE` and
 * `pass intr ...=eventfd:10`), and plays the device until kqvm exits: it
 * polls the command register the guest writes, answers, and raises the
 * interrupt by writing the eventfd. Then it prints what it saw
 *
 *   passmodel: fired N, slot OK|FAIL, storm S ms, kqvm main thread cpu C ms in the storm (P%)
 *
 * (kqvm cpu: its main thread, which handles the interrupt sources).
 *
 * and exits with kqvm's status (or 1 if the model itself failed).
 *
 * `passmodel --spin REGFILE KQVM...` polls without sleeping between looks, for
 * the benchmark (an answer within microseconds; it costs a host CPU).
 *
 *   passmodel --cmos KQVM [ARG...]
 *
 * runs KQVM ARG... (a guest that writes the host's CMOS NVRAM through
 * `pass loc io:0x70,2`), then reads NVRAM byte 0x38 on the host and prints
 *
 *   passmodel: host CMOS 0x38 = 0xNN
 *
 * (x86 only: the arm64 build, for tests/arm64, has no --cmos.) */
#define _GNU_SOURCE
#include "passmodel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <sys/io.h>
#define HAVE_PORTS 1
#endif
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile uint32_t *regs;
static int irq_fd;
static uint32_t fired;

static uint32_t get(unsigned off)
{
    return __atomic_load_n(&regs[off / 4], __ATOMIC_ACQUIRE);
}

static void put(unsigned off, uint32_t v)
{
    __atomic_store_n(&regs[off / 4], v, __ATOMIC_RELEASE);
}

static void raise_irq(void)
{
    uint64_t one = 1;
    if (write(irq_fd, &one, sizeof(one)) == (ssize_t)sizeof(one))
        put(PM_FIRED, ++fired);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* User plus system time of kqvm's main thread so far, in milliseconds: the
 * thread that takes the interrupt sources (the vCPU threads' time is the
 * guest's own). */
static uint64_t cpu_ms(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    unsigned long long utime = 0, stime = 0;
    if (p)
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime);
    return (utime + stime) * 1000 / (uint64_t)sysconf(_SC_CLK_TCK);
}

static pid_t start(char **argv)
{
    pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], argv);
        fprintf(stderr, "passmodel: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (pid < 0)
        fprintf(stderr, "passmodel: fork: %s\n", strerror(errno));
    return pid;
}

static int exit_status(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static int cmos(char **argv)
{
#ifndef HAVE_PORTS
    (void)argv;
    fprintf(stderr, "passmodel: --cmos needs x86 I/O ports\n");
    return 1;
#else
    pid_t pid = start(argv);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return 1;
    if (ioperm(0x70, 2, 1) != 0) {
        fprintf(stderr, "passmodel: ioperm: %s\n", strerror(errno));
        return 1;
    }
    outb(0x38, 0x70);
    printf("passmodel: host CMOS 0x38 = 0x%02x\n", inb(0x71));
    return exit_status(status);
#endif
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "--cmos"))
        return cmos(argv + 2);
    bool spin = argc >= 2 && !strcmp(argv[1], "--spin");
    if (spin) {
        argc--;
        argv++;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: passmodel [--spin] REGFILE KQVM [ARG...] | "
                        "passmodel --cmos KQVM [ARG...]\n");
        return 1;
    }
    int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || ftruncate(fd, PASSMODEL_FILE_SIZE) < 0) {
        fprintf(stderr, "passmodel: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    regs = mmap(NULL, PASSMODEL_FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int efd = eventfd(0, 0);
    if (regs == MAP_FAILED || efd < 0 || dup2(efd, PASSMODEL_IRQ_FD) < 0) {
        fprintf(stderr, "passmodel: setup: %s\n", strerror(errno));
        return 1;
    }
    close(efd);
    irq_fd = PASSMODEL_IRQ_FD;
    put(PM_ID, PASSMODEL_ID);

    pid_t pid = start(argv + 2);
    if (pid < 0)
        return 1;

    uint32_t last_seq = 0, last_trap = 0;
    uint64_t storm_ns = 0, storm_cpu = 0;
    int status = 0;
    const struct timespec poll = { .tv_nsec = 20000 };
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        uint32_t seq = get(PM_CMD_SEQ);
        if (seq != last_seq) {
            last_seq = seq;
            uint32_t op = get(PM_OP), arg = get(PM_ARG);
            if (op == PM_OP_COMPUTE) {
                put(PM_RESULT, arg * 3 + 1);
            } else if (op == PM_OP_STORM) {
                uint64_t t0 = now_ns(), c0 = cpu_ms(pid);
                while (now_ns() - t0 < (uint64_t)arg * 1000000)
                    raise_irq();
                storm_ns += now_ns() - t0;
                storm_cpu += cpu_ms(pid) - c0;
            }
            put(PM_DONE_SEQ, seq);
            raise_irq();
        }
        uint32_t trap = get(PM_TRAP_IN);
        if (trap != last_trap) {
            last_trap = trap;
            put(PM_TRAP_OUT, ~trap);
        }
        if (!spin)
            nanosleep(&poll, NULL);
    }

    unsigned bad = 0, written = 0;
    for (unsigned i = 0; i < PM_SLOT_WORDS; i++) {
        uint32_t v = get(PM_SLOT + 4 * i);
        written += v != 0;
        bad += v != 0 && v != PM_SLOT_PATTERN(i);
    }
    uint64_t storm_ms = storm_ns / 1000000;
    printf("passmodel: fired %u, slot %s (%u of %u words written), storm %llu ms, kqvm main "
           "thread cpu %llu ms in the storm (%llu%%)\n",
           fired, bad ? "FAIL" : "OK", written, PM_SLOT_WORDS, (unsigned long long)storm_ms,
           (unsigned long long)storm_cpu,
           (unsigned long long)(storm_ms ? storm_cpu * 100 / storm_ms : 0));
    return bad ? 1 : exit_status(status);
}
