/* Structure of the language: entries, contexts, last-wins, ordering rules,
 * several inputs, and the command line. */
#include "unit.h"

static void test_line_breaks_carry_no_meaning(void **state)
{
    (void)state;
    struct run *r = run_text("cpu sched 8 cpu sched 6");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.ncpus, 2);
    assert_int_equal(r->f.vm.cpus[0].priority, 8);
    assert_int_equal(r->f.vm.cpus[1].priority, 6);
    run_free(r);
}

static void test_global_options_do_not_close_a_context(void **state)
{
    (void)state;
    struct run *a = run_text("cpu sched 8 ram 32m");
    struct run *b = run_text("cpu ram 32m sched 8");
    assert_true(a->ok && b->ok);
    assert_int_equal(a->f.vm.ncpus, 1);
    assert_int_equal(b->f.vm.ncpus, 1);
    assert_int_equal(a->f.vm.cpus[0].priority, 8);
    assert_int_equal(b->f.vm.cpus[0].priority, 8);
    assert_int_equal(a->f.vm.mem[0].length, 32u << 20);
    assert_int_equal(b->f.vm.mem[0].length, 32u << 20);
    run_free(a);
    run_free(b);
}

static void test_last_option_wins_in_a_context(void **state)
{
    (void)state;
    struct run *r = run_text("cpu sched 8 sched 6 cpu");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.ncpus, 2);
    assert_int_equal(r->f.vm.cpus[0].priority, 6);
    assert_int_equal(r->f.vm.cpus[1].policy, SCHED_POLICY_INHERIT);
    run_free(r);
    r = run_text("vdev ser8250 loc 0x2f8 loc 0x3e8");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.vdevs[0].loc.addr, 0x3e8);
    run_free(r);
}

static void test_repeatable_options_accumulate(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ser8250 hostdev <in.txt hostdev >-");
    assert_true(r->ok);
    const struct optval *h = &r->f.vm.vdevs[0].opts[0];
    assert_true(h->set);
    assert_int_equal(h->hostdev.dir, HOSTDEV_IN);
    assert_non_null(h->next);
    assert_true(h->next->hostdev.to_stdout);
    run_free(r);
}

static void test_no_cpu_means_one_vcpu(void **state)
{
    (void)state;
    struct run *r = run_text("ram 64m");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.ncpus, 1);
    run_free(r);
}

static void test_missing_argument(void **state)
{
    (void)state;
    assert_refuses("ram 64m\nsystem",
                   "t.qvmconf:2:1: error: 'system' expects an argument (system NAME), but the "
                   "input ends\n");
    assert_refuses("vdev ser8250 hostdev",
                   "t.qvmconf:1:14: error: 'hostdev' expects an argument ([<|>]PATH | >-), but "
                   "the input ends\n");
}

static void test_unknown_option_suggests(void **state)
{
    (void)state;
    assert_refuses("ram 64m\nrom 1m\nlaod tiny.bin",
                   "t.qvmconf:3:1: error: unknown option 'laod'; did you mean 'load'?\n");
    assert_refuses("vdev ser8250 hostdve >-",
                   "t.qvmconf:1:14: error: 'hostdve' is not an option of vdev ser8250; did you "
                   "mean 'hostdev'?\n");
    assert_refuses("cpu runmsk 1",
                   "t.qvmconf:1:5: error: unknown option 'runmsk' (in a cpu context); did you "
                   "mean 'runmask'?\n");
}

static void test_context_option_without_context(void **state)
{
    (void)state;
    assert_refuses("sched 8", "t.qvmconf:1:1: error: 'sched' is a cpu option, but no cpu context "
                              "is open\n");
    assert_refuses("loc 0x3f8", "t.qvmconf:1:1: error: 'loc' is a vdev option, but no vdev "
                                "context is open\n");
}

static void test_option_of_another_vdev(void **state)
{
    (void)state;
    assert_refuses("vdev 8259 loc 0x20 intr apic",
                   "t.qvmconf:1:20: error: 'intr' is not an option of vdev 8259\n");
}

static void test_unknown_vdev_skips_its_options(void **state)
{
    (void)state;
    assert_refuses("vdev ser8251 intr x:1 hostdev >-\nvdev pckeyboard",
                   "t.qvmconf:1:6: error: unknown vdev type 'ser8251'; did you mean 'ser8250'?\n");
}

static void test_vdev_prefix_accepted(void **state)
{
    (void)state;
    struct run *r = run_text("vdev vdev-ser8250 vdev vdev-pckeyboard");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.nvdevs, 3); /* and the implicit acpi-pm */
    assert_string_equal(r->f.vm.vdevs[0].type->name, "ser8250");
    assert_string_equal(r->f.vm.vdevs[1].type->name, "pckeyboard");
    run_free(r);
}

static void test_system_must_be_first(void **state)
{
    (void)state;
    struct run *r = run_text("# comment\nsystem gw\nram 64m");
    assert_true(r->ok);
    assert_string_equal(r->f.vm.system, "gw");
    run_free(r);
    assert_refuses("ram 64m\nsystem gw",
                   "t.qvmconf:2:1: error: 'system' must be the first entry (found after 'ram' at "
                   "t.qvmconf:1:1)\n");
}

static void test_default_system_name(void **state)
{
    (void)state;
    struct run *r = run_text("ram 64m");
    assert_string_equal(r->f.vm.system, "qvm-guest");
    run_free(r);
    assert_refuses("system a/b", "t.qvmconf:1:8: error: invalid system name 'a/b': a name may not "
                                 "be empty, '.', '..', or contain '/' or white space\n");
}

static void test_memory_before_load(void **state)
{
    (void)state;
    assert_accepts("ram 64m\nload tiny.bin");
    assert_refuses("load tiny.bin\nram 64m",
                   "t.qvmconf:1:1: error: 'load' before any ram or rom: declare guest memory "
                   "first\n");
    assert_refuses("ram 0,1m\nload 0x200000,tiny.bin\nram 0x200000,1m",
                   "t.qvmconf:2:6: error: load address 0x200000 is not in any ram or rom "
                   "declared before this line\n");
}

static void test_controller_before_user(void **state)
{
    (void)state;
    assert_accepts("vdev ioapic name ioa0\nvdev ser8250 intr ioa0:4");
    assert_refuses("vdev ser8250 intr ioa0:4\nvdev ioapic name ioa0",
                   "t.qvmconf:1:19: error: interrupt controller 'ioa0' is declared at "
                   "t.qvmconf:2:6, after its use here: declare controllers before the vdevs that "
                   "use them\n");
}

static void test_errors_are_all_reported_in_order(void **state)
{
    (void)state;
    assert_refuses("ram 64q\nvdev ser8250 intr nope:4\nset exit-on-halt maybe\nrom 0",
                   "t.qvmconf:1:7: error: invalid ram length '64q': unexpected character 'q' "
                   "after the number\n"
                   "t.qvmconf:2:19: error: unknown interrupt controller 'nope'\n"
                   "t.qvmconf:3:18: error: invalid value 'maybe' for exit-on-halt: expected on or "
                   "off\n"
                   "t.qvmconf:4:5: error: invalid rom length '0': a size of zero is not allowed\n");
}

static void test_error_cap(void **state)
{
    (void)state;
    char text[4096] = "";
    for (int i = 0; i < DIAG_MAX_SHOWN + 5; i++)
        strcat(text, "ram 1x ");
    struct run *r = run_text(text);
    assert_false(r->ok);
    assert_int_equal(r->f.diag.errors, DIAG_MAX_SHOWN + 5);
    assert_non_null(strstr(r->msgs, "kqvm: note: 5 more messages not shown\n"));
    run_free(r);
}

/* Several inputs are read in order, as one text. */
static void test_inputs_concatenate(void **state)
{
    (void)state;
    char *msgs = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&msgs, &len);
    struct frontend f;
    frontend_init(&f, mem);
    frontend_add_text(&f, "a.qvmconf", FIXTURES, "cpu sched 8", 11);
    char *argv[] = { "ram", "64m", "sched", "6", "vdev", "ser8250", "loc", "io:0x2f8", "bogus" };
    frontend_add_args(&f, 9, argv);
    bool ok = frontend_finish(&f);
    fflush(mem);
    assert_false(ok);
    assert_int_equal(f.vm.ncpus, 1);
    assert_int_equal(f.vm.cpus[0].priority, 6); /* the cpu context continues across inputs */
    assert_string_equal(msgs, "<command line>:1:43: error: 'bogus' is not an option of vdev "
                              "ser8250\n");
    frontend_free(&f);
    fclose(mem);
    free(msgs);
}

static void test_at_file(void **state)
{
    (void)state;
    char *msgs = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&msgs, &len);
    struct frontend f;
    frontend_init(&f, mem);
    char *argv[] = { "@" FIXTURES "/small.qvmconf", "@nonexistent.qvmconf", "dryrun" };
    frontend_add_args(&f, 3, argv);
    bool ok = frontend_finish(&f);
    fflush(mem);
    assert_false(ok);
    assert_string_equal(msgs, "<command line>:1:36: error: cannot read configuration file "
                              "'nonexistent.qvmconf': No such file or directory\n");
    assert_true(f.vm.dryrun);
    /* relative paths in a file resolve against its directory */
    assert_int_equal(f.vm.nloads, 1);
    assert_string_equal(f.vm.loads[0].path, FIXTURES "/tiny.bin");
    frontend_free(&f);
    fclose(mem);
    free(msgs);
}

/* Words after @FILE come after the file's text: messages and "declared later"
 * follow the order of the command line. */
static void test_words_after_a_file_come_after_it(void **state)
{
    (void)state;
    char *msgs = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&msgs, &len);
    struct frontend f;
    frontend_init(&f, mem);
    char *argv[] = { "bogus", "@" FIXTURES "/small.qvmconf", "rom", "0x1000000,1m", "ram",
                     "0x3000000,1m" };
    frontend_add_args(&f, 6, argv);
    frontend_finish(&f);
    fflush(mem);
    assert_string_equal(msgs, "<command line>:1:1: error: unknown option 'bogus'\n"
                              "<command line>:1:42: error: rom (mem 0x1000000-0x10fffff) overlaps "
                              "ram (mem 0x0-0x3ffffff) at tests/configs/files/small.qvmconf:2:1\n"
                              "<command line>:1:59: error: ram (mem 0x3000000-0x30fffff) overlaps "
                              "ram (mem 0x0-0x3ffffff) at tests/configs/files/small.qvmconf:2:1\n");
    frontend_free(&f);
    fclose(mem);
    free(msgs);
}

static void test_one_message_per_broken_word(void **state)
{
    (void)state;
    unsetenv("KQVM_TEST_UNSET");
    assert_refuses("ram $env{KQVM_TEST_UNSET}",
                   "t.qvmconf:1:5: error: environment variable 'KQVM_TEST_UNSET' is not set (in "
                   "$env{KQVM_TEST_UNSET})\n");
    assert_refuses("ram $asinfo_length{ram}",
                   "t.qvmconf:1:5: error: $asinfo_length{ram} refers to the QNX system page, "
                   "which is not available on Linux hosts; give the address or length as a "
                   "number\n");
}

static void test_each_misplaced_option_is_reported(void **state)
{
    (void)state;
    assert_refuses("loc 0x3f8 sched 10",
                   "t.qvmconf:1:1: error: 'loc' is a vdev option, but no vdev context is open\n"
                   "t.qvmconf:1:11: error: 'sched' is a cpu option, but no cpu context is open\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_breaks_carry_no_meaning),
        cmocka_unit_test(test_global_options_do_not_close_a_context),
        cmocka_unit_test(test_last_option_wins_in_a_context),
        cmocka_unit_test(test_repeatable_options_accumulate),
        cmocka_unit_test(test_no_cpu_means_one_vcpu),
        cmocka_unit_test(test_missing_argument),
        cmocka_unit_test(test_unknown_option_suggests),
        cmocka_unit_test(test_context_option_without_context),
        cmocka_unit_test(test_option_of_another_vdev),
        cmocka_unit_test(test_unknown_vdev_skips_its_options),
        cmocka_unit_test(test_vdev_prefix_accepted),
        cmocka_unit_test(test_system_must_be_first),
        cmocka_unit_test(test_default_system_name),
        cmocka_unit_test(test_memory_before_load),
        cmocka_unit_test(test_controller_before_user),
        cmocka_unit_test(test_errors_are_all_reported_in_order),
        cmocka_unit_test(test_error_cap),
        cmocka_unit_test(test_inputs_concatenate),
        cmocka_unit_test(test_at_file),
        cmocka_unit_test(test_words_after_a_file_come_after_it),
        cmocka_unit_test(test_one_message_per_broken_word),
        cmocka_unit_test(test_each_misplaced_option_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
