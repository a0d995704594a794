/* The arm64 device tree (src/boot/fdt.c), read back with libfdt: each pass
 * entry with a memory region or an SPI is a "kqvm,pass" node, its SPI
 * level-high as kqvm forwards it (edge-rising with the `u` attribute). */
#include "unit.h"

#include "boot/fdt.h"

#include <libfdt.h>

static uint8_t tree[FDT_MAX_SIZE];

static void generate(struct run **r, const char *text)
{
    *r = run_text(text);
    if (!(*r)->ok)
        fail_msg("refused:\n%s", (*r)->msgs);
    assert_true(fdt_generate(&(*r)->f.vm, NULL, tree, sizeof(tree)));
}

/* The property's cells (host order); how many there were. */
static int cells(const char *path, const char *name, uint32_t *out, int max)
{
    int node = fdt_path_offset(tree, path);
    if (node < 0)
        fail_msg("no node %s", path);
    int len = 0;
    const fdt32_t *p = fdt_getprop(tree, node, name, &len);
    if (!p)
        return -1;
    int n = len / 4;
    for (int i = 0; i < n && i < max; i++)
        out[i] = fdt32_to_cpu(p[i]);
    return n;
}

static void test_pass_nodes(void **state)
{
    (void)state;
    struct run *r;
    generate(&r, "set arch arm64\nram 0x40000000,64m\n"
                 "pass loc mem:0xd0000000,0x1800=file:guest.dtb intr gic:40=eventfd:10\n"
                 "pass intr gic:41,u=eventfd:11\n"
                 "pass loc mem:0xd0100000,0x1000,r=file:guest.dtb\n");
    uint32_t c[8];
    int node = fdt_node_offset_by_compatible(tree, -1, "kqvm,pass");
    assert_int_equal(node, fdt_path_offset(tree, "/pass@d0000000"));

    assert_int_equal(cells("/pass@d0000000", "reg", c, 8), 4);
    assert_int_equal(c[0], 0);
    assert_int_equal(c[1], 0xd0000000);
    assert_int_equal(c[2], 0);
    assert_int_equal(c[3], 0x1800);
    assert_int_equal(cells("/pass@d0000000", "interrupts", c, 8), 3);
    assert_int_equal(c[0], 0); /* SPI */
    assert_int_equal(c[1], 8); /* INTID 40 */
    assert_int_equal(c[2], 4); /* level-high */

    /* an interrupt alone: no reg; `u` pulses, an edge */
    assert_int_equal(cells("/pass-1", "reg", c, 8), -1);
    assert_int_equal(cells("/pass-1", "interrupts", c, 8), 3);
    assert_int_equal(c[1], 9);
    assert_int_equal(c[2], 1); /* edge-rising */

    /* a region alone: no interrupts */
    assert_int_equal(cells("/pass@d0100000", "reg", c, 8), 4);
    assert_int_equal(c[1], 0xd0100000);
    assert_int_equal(cells("/pass@d0100000", "interrupts", c, 8), -1);
    assert_int_equal(
        fdt_node_check_compatible(tree, fdt_path_offset(tree, "/pass@d0100000"), "kqvm,pass"), 0);
    run_free(r);
}

/* Without pass entries there is no such node. */
static void test_no_pass(void **state)
{
    (void)state;
    struct run *r;
    generate(&r, "set arch arm64\nram 0x40000000,64m\n");
    assert_true(fdt_node_offset_by_compatible(tree, -1, "kqvm,pass") < 0);
    run_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pass_nodes),
        cmocka_unit_test(test_no_pass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
