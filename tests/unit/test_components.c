/* The global options (QNX's components): ram, rom, cpu, load, cmdline,
 * reserve, set, logger, unsupported, tolerance, dump, dryrun, safety. */
#include "unit.h"

static void test_ram_rom_placement(void **state)
{
    (void)state;
    struct run *r = run_text("ram 1000,4K\nram 0d8192,8K\nram 64m\nrom 1m");
    assert_true(r->ok);
    const struct mem_spec *m = r->f.vm.mem;
    assert_int_equal(r->f.vm.nmem, 4);
    assert_int_equal(m[0].base, 0x1000);
    assert_int_equal(m[0].length, 0x1000);
    assert_int_equal(m[1].base, 8192);
    assert_int_equal(m[2].base, 0x4000); /* after the highest so far */
    assert_true(m[2].placed);
    assert_int_equal(m[3].base, 0x4004000);
    assert_true(m[3].rom);
    run_free(r);
}

static void test_first_ram_without_start_is_at_zero(void **state)
{
    (void)state;
    struct run *r = run_text("ram 0xa0000 rom 0xc0000,0x40000 ram 1024M");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.mem[0].base, 0);
    assert_int_equal(r->f.vm.mem[2].base, 0x100000);
    run_free(r);
}

static void test_placement_skips_reserved(void **state)
{
    (void)state;
    struct run *r = run_text("ram 0,0xa0000\nram 1m\nreserve loc 0xa0000,0x20000");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.mem[1].base, 0xc0000);
    run_free(r);
}

static void test_ram_errors(void **state)
{
    (void)state;
    assert_refuses("ram 0x1234,64m",
                   "t.qvmconf:1:5: error: ram start 0x1234 is not a multiple of 4 KiB\n");
    assert_refuses("rom 3000", "t.qvmconf:1:5: error: rom length 3000 is not a multiple of 4 KiB\n");
    assert_refuses("ram 0", "t.qvmconf:1:5: error: invalid ram length '0': a size of zero is not "
                            "allowed\n");
    assert_refuses("ram 10g0,4k", "t.qvmconf:1:8: error: invalid ram start '10g0': unexpected "
                                  "character '0' after the number\n");
    assert_refuses("ram 0xfffffffffffff000,8k",
                   "t.qvmconf:1:5: error: ram 0xfffffffffffff000+0x2000 ends beyond the largest "
                   "guest physical address (0x10000000000000)\n");
    assert_refuses("ram 1000,", "t.qvmconf:1:10: error: ram length: expected a number\n");
}

static void test_overlap_names_both(void **state)
{
    (void)state;
    assert_refuses("ram 0,64m\nrom 0x1000000,1m",
                   "t.qvmconf:2:1: error: rom (mem 0x1000000-0x10fffff) overlaps ram (mem "
                   "0x0-0x3ffffff) at t.qvmconf:1:1\n");
    assert_accepts("ram 0,64m\nrom 0x4000000,1m");
}

static void test_cpu_runmask(void **state)
{
    (void)state;
    struct run *r = run_text("cpu runmask 0,1,5 cpu runmask 63,64");
    assert_true(r->ok);
    assert_true(r->f.vm.cpus[0].has_runmask);
    assert_int_equal(r->f.vm.cpus[0].runmask[0], 0x23);
    assert_int_equal(r->f.vm.cpus[1].runmask[0], 1ull << 63);
    assert_int_equal(r->f.vm.cpus[1].runmask[1], 1);
    run_free(r);
    assert_refuses("cpu runmask 0,x", "t.qvmconf:1:15: error: invalid runmask CPU 'x': expected "
                                      "a digit, found 'x'\n");
    assert_refuses("cpu runmask 2000", "t.qvmconf:1:13: error: runmask CPU 2000 is beyond the "
                                       "largest host CPU kqvm supports (1023)\n");
}

static void test_cpu_sched(void **state)
{
    (void)state;
    struct run *r = run_text("cpu sched 10 cpu sched 11r cpu sched 12f cpu sched 13o");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.cpus[0].policy, SCHED_POLICY_RR);
    assert_int_equal(r->f.vm.cpus[0].priority, 10);
    assert_int_equal(r->f.vm.cpus[1].policy, SCHED_POLICY_RR);
    assert_int_equal(r->f.vm.cpus[2].policy, SCHED_POLICY_FIFO);
    assert_int_equal(r->f.vm.cpus[2].priority, 12);
    assert_int_equal(r->f.vm.cpus[3].policy, SCHED_POLICY_OTHER);
    run_free(r);
    assert_refuses("cpu sched 120", "t.qvmconf:1:11: error: sched priority 120 is outside "
                                    "Linux's real-time range (1 to 99)\n");
    assert_refuses("cpu sched 0f", "t.qvmconf:1:11: error: sched priority 0 is outside Linux's "
                                   "real-time range (1 to 99)\n");
    assert_refuses("cpu sched 20,10,5,1000000,100000s",
                   "t.qvmconf:1:11: error: sporadic scheduling (sched HI,LO,MAXREPL,PERIOD,"
                   "BUDGETs) is QNX-only: Linux has no SCHED_SPORADIC; use sched PRIO[r|f|o]\n");
    assert_refuses("cpu sched 10x", "t.qvmconf:1:13: error: invalid sched priority '10x': "
                                    "unexpected character 'x' after the number\n");
}

static void test_cpu_partition_and_cluster_refused(void **state)
{
    (void)state;
    assert_refuses("cpu partition p1", "t.qvmconf:1:5: error: cpu partition: QNX adaptive "
                                       "partitions do not exist on Linux; use runmask and sched "
                                       "to place the vCPU thread\n");
    assert_refuses("cpu cluster big", "t.qvmconf:1:5: error: cpu cluster: QNX CPU clusters do not "
                                      "exist on Linux; use runmask to choose host CPUs\n");
}

static void test_too_many_cpus(void **state)
{
    (void)state;
    char text[2048] = "";
    for (int i = 0; i < 255; i++)
        strcat(text, "cpu ");
    assert_refuses(text, "t.qvmconf:1:1017: error: too many vCPUs: 255 (kqvm supports up to "
                         "254)\n");
}

static void test_load_types(void **state)
{
    (void)state;
    struct run *r = run_text("ram 64m\nload guest.elf\ninitrd load 0x100000,tiny.bin\n"
                             "data load 0x2000,tiny.bin\nguest load tiny.bin\nacpi load tiny.bin");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.nloads, 5);
    assert_int_equal(r->f.vm.loads[0].type, LOAD_AUTO);
    assert_string_equal(r->f.vm.loads[0].path, FIXTURES "/guest.elf");
    assert_int_equal(r->f.vm.loads[1].type, LOAD_INITRD);
    assert_true(r->f.vm.loads[1].has_addr);
    assert_int_equal(r->f.vm.loads[1].addr, 0x100000);
    assert_int_equal(r->f.vm.loads[2].type, LOAD_DATA);
    assert_int_equal(r->f.vm.loads[3].type, LOAD_GUEST);
    assert_int_equal(r->f.vm.loads[4].type, LOAD_ACPI);
    run_free(r);
}

static void test_load_errors(void **state)
{
    (void)state;
    assert_refuses("ram 64m\nload nosuch.elf",
                   "t.qvmconf:2:6: error: cannot read '" FIXTURES "/nosuch.elf': no such file\n");
    assert_refuses("ram 64m\nfdt load tiny.bin",
                   "t.qvmconf:2:1: error: 'fdt load' applies to arm64 only; this configuration is "
                   "for x86_64\n");
    assert_refuses("ram 0,8k\ndata load 0x1ff0,tiny.bin",
                   "t.qvmconf:2:11: error: '" FIXTURES "/tiny.bin' (37 bytes) does not fit at "
                   "0x1ff0: the ram at t.qvmconf:1:1 ends at 0x2000\n");
    assert_refuses("ram 64m\nload 0x1000,", "t.qvmconf:2:6: error: 'load' needs a file: load "
                                            "[ADDR,]FILE\n");
    assert_refuses("ram 64m\ninitrd tiny.bin",
                   "t.qvmconf:2:1: error: 'initrd' is a load type: write 'initrd load FILE'\n");
}

static void test_cmdline(void **state)
{
    (void)state;
    struct run *r = run_text("cmdline \"console=ttyS0\n    quiet\" cmdline \"root=/dev/vda\"");
    assert_true(r->ok);
    assert_string_equal(r->f.vm.cmdline, "root=/dev/vda");
    run_free(r);
}

static void test_reserve(void **state)
{
    (void)state;
    struct run *r = run_text("reserve intr 39 reserve loc io:0xcf,0x8 loc pci:0:1 loc 0x1000,0x8");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.nreserves, 4);
    assert_true(r->f.vm.reserves[0].is_intr);
    assert_int_equal(r->f.vm.reserves[0].line, 39);
    assert_int_equal(r->f.vm.reserves[1].loc.space, LOC_IO);
    assert_int_equal(r->f.vm.reserves[1].length, 8);
    assert_int_equal(r->f.vm.reserves[2].loc.space, LOC_PCI_BDF);
    assert_int_equal(r->f.vm.reserves[2].loc.dev, 1);
    run_free(r);
    assert_refuses("reserve loc 0x1000", "t.qvmconf:1:13: error: reserve loc mem:0x1000 needs a "
                                         "LENGTH\n");
    assert_refuses("reserve loc pci:0:1,4", "t.qvmconf:1:13: error: reserve loc: a PCI slot takes "
                                            "no length\n");
    assert_refuses("reserve irq 5", "t.qvmconf:1:9: error: expected 'loc' or 'intr' after "
                                    "'reserve', found 'irq'\n");
}

static void test_set_variables(void **state)
{
    (void)state;
    struct run *r = run_text("set exit-on-halt off set posted-interrupts on set legacy-free yes "
                             "set message-block-timeout 0");
    assert_true(r->ok);
    assert_false(r->f.vm.vars[VAR_EXIT_ON_HALT].b);
    assert_int_equal(r->f.vm.vars[VAR_POSTED_INTERRUPTS].e, TRI_ON);
    assert_true(r->f.vm.vars[VAR_LEGACY_FREE].b);
    assert_int_equal(r->f.vm.vars[VAR_MESSAGE_BLOCK_TIMEOUT].u, 0);
    run_free(r);
    r = run_text("ram 64m");
    assert_true(r->f.vm.vars[VAR_EXIT_ON_HALT].b);
    assert_int_equal(r->f.vm.vars[VAR_VIRTUAL_INTERRUPTS].e, TRI_AUTO);
    assert_int_equal(r->f.vm.vars[VAR_MESSAGE_BLOCK_TIMEOUT].u, 10000);
    run_free(r);
}

static void test_set_errors(void **state)
{
    (void)state;
    assert_refuses("set exit-on-hlat off", "t.qvmconf:1:5: error: unknown variable "
                                           "'exit-on-hlat'; did you mean 'exit-on-halt'? ('set ?' "
                                           "lists them)\n");
    assert_refuses("set virtual-interrupts maybe",
                   "t.qvmconf:1:24: error: invalid value 'maybe' for virtual-interrupts: expected "
                   "on or off or auto\n");
    assert_refuses("set message-block-timeout 3",
                   "t.qvmconf:1:27: error: message-block-timeout 3 is out of range: 5 to 10000 "
                   "milliseconds, or 0 for no limit\n");
    assert_refuses("set grow-heap 0x4000", "t.qvmconf:1:5: error: variable 'grow-heap' is not "
                                           "supported by kqvm: kqvm's heap grows on demand; remove "
                                           "the line\n");
    assert_refuses("set gic-hwassist off", "t.qvmconf:1:5: error: variable 'gic-hwassist' applies "
                                           "to arm64 only; this configuration is for x86_64\n");
    assert_refuses("set dryrun-format yaml",
                   "t.qvmconf:1:19: error: invalid value 'yaml' for dryrun-format: expected one "
                   "of text, json\n");
}

static void test_set_arch_anywhere(void **state)
{
    (void)state;
    struct run *r = run_text("vdev pl011 loc 0x9000000 intr gic:33\nset arch arm64");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.arch, ARCH_ARM64);
    run_free(r);
}

static void test_logger(void **state)
{
    (void)state;
    struct run *r = run_text("logger error,warn stdout logger debug,verbose slog");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.nloggers, 2);
    assert_int_equal(r->f.vm.loggers[0].log.filters, LOGF_ERROR | LOGF_WARN);
    assert_int_equal(r->f.vm.loggers[0].log.dest, LOGD_STDOUT);
    assert_int_equal(r->f.vm.loggers[1].log.dest, LOGD_SYSLOG);
    run_free(r);
    r = run_text("ram 64m");
    assert_int_equal(r->f.vm.nloggers, 1);
    assert_int_equal(r->f.vm.loggers[0].log.filters,
                     LOGF_FATAL | LOGF_INTERNAL | LOGF_ERROR | LOGF_WARN | LOGF_INFO);
    assert_int_equal(r->f.vm.loggers[0].log.dest, LOGD_STDERR);
    run_free(r);
    assert_refuses("logger eror stderr", "t.qvmconf:1:8: error: unknown log filter 'eror' "
                                         "(filters: fatal internal error warn info debug "
                                         "verbose); did you mean 'error'?\n");
    assert_refuses("logger info mail", "t.qvmconf:1:13: error: unknown log destination 'mail': "
                                       "expected stdout, stderr, slog (or syslog) or none\n");
}

static void test_unsupported(void **state)
{
    (void)state;
    struct run *r = run_text("unsupported instruction abort unsupported reference fail "
                             "unsupported register ignore");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.unsupported[UNSUP_INSTRUCTION], UNSUP_ABORT);
    assert_int_equal(r->f.vm.unsupported[UNSUP_REFERENCE], UNSUP_FAIL);
    assert_int_equal(r->f.vm.unsupported[UNSUP_REGISTER], UNSUP_IGNORE);
    run_free(r);
    r = run_text("ram 64m");
    assert_int_equal(r->f.vm.unsupported[UNSUP_INSTRUCTION], UNSUP_FAIL);
    assert_int_equal(r->f.vm.unsupported[UNSUP_REFERENCE], UNSUP_IGNORE);
    assert_int_equal(r->f.vm.unsupported[UNSUP_REGISTER], UNSUP_FAIL);
    run_free(r);
    assert_refuses("unsupported memory ignore", "t.qvmconf:1:13: error: unsupported: expected "
                                                "instruction, reference or register, found "
                                                "'memory'\n");
    assert_refuses("unsupported register crash", "t.qvmconf:1:22: error: unsupported register: "
                                                 "expected abort, fail or ignore, found 'crash'\n");
}

static void test_tolerance_dump_dryrun_safety(void **state)
{
    (void)state;
    struct run *r = run_text("tolerance 250 dump . dryrun safety warn");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.tolerance_us, 250);
    assert_string_equal(r->f.vm.dump_dir, FIXTURES "/.");
    assert_true(r->f.vm.dryrun);
    assert_int_equal(r->f.vm.safety, SAFETY_WARN);
    run_free(r);
    r = run_text("dump \"|gzip >dump.gz\"");
    assert_true(r->ok);
    assert_string_equal(r->f.vm.dump_command, "gzip >dump.gz");
    assert_int_equal(r->f.vm.tolerance_us, 100);
    run_free(r);
    assert_refuses("tolerance 2000000", "t.qvmconf:1:11: error: tolerance 2000000 is out of range "
                                        "(0 to 1000000)\n");
    assert_refuses("dump /nonexistent", "t.qvmconf:1:6: error: dump directory '/nonexistent' does "
                                        "not exist\n");
    assert_refuses("safety required", "t.qvmconf:1:8: error: safety required: kqvm has no "
                                      "safety-certified variant; use 'safety none' or 'safety "
                                      "warn'\n");
    assert_refuses("debug", "t.qvmconf:1:1: error: 'debug' (QNX's guest debugger stub) is not "
                            "supported by kqvm\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ram_rom_placement),
        cmocka_unit_test(test_first_ram_without_start_is_at_zero),
        cmocka_unit_test(test_placement_skips_reserved),
        cmocka_unit_test(test_ram_errors),
        cmocka_unit_test(test_overlap_names_both),
        cmocka_unit_test(test_cpu_runmask),
        cmocka_unit_test(test_cpu_sched),
        cmocka_unit_test(test_cpu_partition_and_cluster_refused),
        cmocka_unit_test(test_too_many_cpus),
        cmocka_unit_test(test_load_types),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_cmdline),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_set_variables),
        cmocka_unit_test(test_set_errors),
        cmocka_unit_test(test_set_arch_anywhere),
        cmocka_unit_test(test_logger),
        cmocka_unit_test(test_unsupported),
        cmocka_unit_test(test_tolerance_dump_dryrun_safety),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
