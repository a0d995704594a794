/* Pass-through regions: how a region is cut into a memory slot and trapped
 * edges, and that trapped accesses reach the right host bytes. Interrupt
 * sources: an eventfd source accepts an eventfd and refuses anything else. */
#include "unit.h"

#include "pass/pass.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define REGS "/tmp/kqvm-test-pass.regs"

static void make_file(size_t size)
{
    int fd = open(REGS, O_RDWR | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)size), 0);
    close(fd);
}

static struct pass_set *open_text(struct run **r, const char *text)
{
    *r = run_text(text);
    assert_true((*r)->ok);
    return pass_open(&(*r)->f.vm);
}

/* 0xd0000400 + 0x2000: the whole page at 0xd0001000 is a slot, the 3 KiB
 * before it and the 1 KiB after it are trapped. */
static void test_region_split(void **state)
{
    (void)state;
    make_file(0x4000);
    struct run *r;
    struct pass_set *ps =
        open_text(&r, "pass loc 0xd0000400,0x2000=file:" REGS "@0x1000");
    assert_non_null(ps);
    assert_int_equal(ps->nslots, 1);
    assert_int_equal(ps->slots[0].gpa, 0xd0001000);
    assert_int_equal(ps->slots[0].length, 0x1000);
    assert_false(ps->slots[0].readonly);
    assert_int_equal(ps->ntraps, 2);
    assert_int_equal(ps->traps[0].base, 0xd0000400);
    assert_int_equal(ps->traps[0].length, 0xc00);
    assert_int_equal(ps->traps[1].base, 0xd0002000);
    assert_int_equal(ps->traps[1].length, 0x400);

    /* file offset of guest byte g: 0x1000 (the @offset) + g - 0xd0000000 */
    pass_trap_model.write(&ps->traps[1], 0, 0x10, 4, 0x11223344);
    pass_trap_model.write(&ps->traps[0], 0, 0x8, 2, 0xbeef);
    ((uint8_t *)ps->slots[0].host)[5] = 0x77;
    int fd = open(REGS, O_RDONLY);
    uint32_t w = 0;
    uint16_t h = 0;
    uint8_t b = 0;
    assert_int_equal(pread(fd, &w, 4, 0x1000 + 0x2010), 4);
    assert_int_equal(pread(fd, &h, 2, 0x1000 + 0x408), 2);
    assert_int_equal(pread(fd, &b, 1, 0x1000 + 0x1005), 1);
    close(fd);
    assert_int_equal(w, 0x11223344);
    assert_int_equal(h, 0xbeef);
    assert_int_equal(b, 0x77);
    assert_int_equal(pass_trap_model.read(&ps->traps[1], 0, 0x10, 1), 0x44);
    pass_close(ps);
    run_free(r);
}

/* Within one page: no slot, all trapped; read-only drops writes. */
static void test_region_subpage_readonly(void **state)
{
    (void)state;
    make_file(0x1000);
    struct run *r;
    struct pass_set *ps = open_text(&r, "pass loc 0xd0000400,0x50,r=file:" REGS);
    assert_non_null(ps);
    assert_int_equal(ps->nslots, 0);
    assert_int_equal(ps->ntraps, 1);
    assert_int_equal(ps->traps[0].base, 0xd0000400);
    assert_int_equal(ps->traps[0].length, 0x50);
    assert_true(ps->traps[0].readonly);
    pass_trap_model.write(&ps->traps[0], 0, 0, 4, 0xffffffff);
    assert_int_equal(pass_trap_model.read(&ps->traps[0], 0, 0, 4), 0);
    pass_close(ps);
    run_free(r);
}

/* A file too short for the region is refused before anything is mapped. */
static void test_region_file_too_short(void **state)
{
    (void)state;
    make_file(0x1000);
    struct run *r;
    assert_null(open_text(&r, "pass loc 0xd0000000,0x2000=file:" REGS));
    run_free(r);
}

static void test_eventfd_source(void **state)
{
    (void)state;
    int efd = eventfd(0, 0);
    assert_true(efd >= 0);
    char text[128];
    snprintf(text, sizeof(text), "vdev ioapic name a\npass intr a:5=eventfd:%d", efd);
    struct run *r;
    struct pass_set *ps = open_text(&r, text);
    assert_non_null(ps);
    assert_int_equal(ps->nirqs, 1);
    assert_int_equal(pass_irq_spec(ps, 0)->intr.line, 5);
    pass_close(ps); /* closes efd */
    run_free(r);
    /* descriptor 0 is not an eventfd */
    assert_null(open_text(&r, "vdev ioapic name a\npass intr a:5=eventfd:0"));
    run_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_region_split),
        cmocka_unit_test(test_region_subpage_readonly),
        cmocka_unit_test(test_region_file_too_short),
        cmocka_unit_test(test_eventfd_source),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(REGS);
    return rc;
}
