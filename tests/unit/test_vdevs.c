/* Every vdev type: its resolved values (loc, intr, name, its own options), and
 * each kind of mistake its options can hold. Also the options every vdev
 * shares, PCI versus virtio-mmio placement, automatic PCI slots and lines, the
 * HPET's timer list and legacy-replacement sharing, the 8259 pair, and the GIC
 * versions. */
#include "unit.h"

#include "vdev/uart_options.h"
#include "vdev/wdt_action.h"

#define ARM "set arch arm64\n"

static const struct vdev_spec *vd(const struct run *r, unsigned i)
{
    assert_true(i < r->f.vm.nvdevs);
    return &r->f.vm.vdevs[i];
}

/* A type-specific option of vdev i, found by name in its type's table (so the
 * test does not depend on the order of the file-private enums). */
static const struct optval *opt(const struct run *r, unsigned i, const char *name)
{
    const struct vdev_spec *v = vd(r, i);
    bool common;
    unsigned idx;
    const struct option_desc *o = vdev_option_find(v->type, name, &common, &idx);
    assert_non_null(o);
    assert_false(common);
    return &v->opts[idx];
}

/* The controller named name, or fail. */
static const struct controller_spec *ctl(const struct run *r, const char *name)
{
    for (unsigned i = 0; i < r->f.vm.ncontrollers; i++)
        if (!strcmp(r->f.vm.controllers[i].name, name))
            return &r->f.vm.controllers[i];
    fail_msg("no controller '%s'", name);
    return NULL;
}

/* The assignment of controller:line to the n-th user (0: the first in input
 * order), or NULL. */
static const struct intr_assign *assigned(const struct run *r, const char *controller,
                                          uint32_t line, unsigned n)
{
    for (unsigned i = 0; i < r->f.vm.nintrs; i++) {
        const struct intr_assign *a = &r->f.vm.intrs[i];
        if (a->line == line && !strcmp(r->f.vm.controllers[a->controller].name, controller) &&
            n-- == 0)
            return a;
    }
    return NULL;
}

/* The map region at space:base, or NULL. */
static const struct region *region_at(const struct run *r, enum space space, uint64_t base)
{
    for (unsigned i = 0; i < r->f.vm.nmap; i++)
        if (r->f.vm.map[i].space == space && r->f.vm.map[i].base == base)
            return &r->f.vm.map[i];
    return NULL;
}

static void assert_intr(const struct vdev_spec *v, unsigned k, const char *controller,
                        uint32_t line)
{
    assert_true(k < v->nintr);
    assert_string_equal(v->intr[k].controller, controller);
    assert_true(v->intr[k].has_line);
    assert_int_equal(v->intr[k].line, line);
}

/* ---- ioapic ------------------------------------------------------------ */

static void test_ioapic_defaults(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic intr apic");
    assert_true(r->ok);
    const struct vdev_spec *v = vd(r, 0);
    assert_string_equal(v->type->name, "ioapic");
    assert_string_equal(v->name, "ioapic");
    assert_false(v->named);
    assert_int_equal(v->loc.space, LOC_MEM);
    assert_int_equal(v->loc.addr, 0xfec00000);
    assert_false(v->pci);
    assert_int_equal(v->controller_index, 1); /* after the implicit local APIC */
    const struct controller_spec *c = ctl(r, "ioapic");
    assert_int_equal(c->lines, 24);
    assert_int_equal(c->first_line, 0);
    assert_int_equal(c->hostvector, 0);
    const struct region *g = region_at(r, SPACE_MEM, 0xfec00000);
    assert_non_null(g);
    assert_int_equal(g->length, 0x1000);
    assert_int_equal(g->kind, REGION_VDEV);
    run_free(r);
}

static void test_ioapic_named_at_address(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic\n  name ioa0\n  loc 0xf8000000\n  intr apic\n"
                             "  hostvector 32\n"
                             "vdev ser8250 intr ioa0:4");
    assert_true(r->ok);
    const struct vdev_spec *v = vd(r, 0);
    assert_string_equal(v->name, "ioa0");
    assert_true(v->named);
    assert_int_equal(v->loc.addr, 0xf8000000);
    assert_true(v->has_hostvector);
    assert_int_equal(v->hostvector, 32);
    assert_int_equal(ctl(r, "ioa0")->hostvector, 32);
    assert_intr(vd(r, 1), 0, "ioa0", 4);
    const struct intr_assign *a = assigned(r, "ioa0", 4, 0);
    assert_non_null(a);
    assert_int_equal(a->vdev, 1);
    assert_false(a->automatic);
    run_free(r);
}

static void test_ioapic_errors(void **state)
{
    (void)state;
    assert_refuses("vdev ioapic intr apic:1",
                   "t.qvmconf:1:18: error: the local APIC takes no line number: write 'intr "
                   "apic'\n");
    assert_refuses("vdev ioapic name a\nvdev ioapic name b loc 0xfec01000 intr a:3",
                   "t.qvmconf:2:40: error: an interrupt controller connects to the local APIC: "
                   "write 'intr apic'\n");
    assert_refuses("vdev ioapic name a\nvdev ioapic name a loc 0xfec01000",
                   "t.qvmconf:2:6: error: interrupt controller name 'a' is already used by the "
                   "controller at t.qvmconf:1:6\n");
    assert_refuses("vdev ioapic name a:b",
                   "t.qvmconf:1:6: error: interrupt controller name 'a:b' may not contain ':'\n");
    assert_refuses("vdev ioapic loc pci:0:3",
                   "t.qvmconf:1:17: error: vdev ioapic is not a PCI device: its loc is mem:ADDR\n");
    assert_refuses("vdev ioapic hostvector 4294967296",
                   "t.qvmconf:1:24: error: hostvector 4294967296 is out of range (0 to "
                   "4294967295)\n");
    assert_refuses("vdev ioapic loc 0xfffffffffffff800",
                   "t.qvmconf:1:6: error: vdev ioapic: its registers at 0xfffffffffffff800 go "
                   "beyond the end of the address space\n");
    assert_refuses(ARM "vdev ioapic",
                   "t.qvmconf:2:6: error: vdev ioapic exists on x86_64 only; this configuration "
                   "is for arm64 (set arch x86_64 to check it for x86_64)\n");
}

/* ---- 8259 --------------------------------------------------------------- */

static void test_8259_master_and_slave(void **state)
{
    (void)state;
    struct run *r = run_text("vdev 8259 loc 0x20\nvdev 8259 loc 0xa0\nvdev ser8250 intr 8259:9");
    assert_true(r->ok);
    assert_int_equal(vd(r, 0)->loc.space, LOC_IO);
    assert_int_equal(vd(r, 0)->loc.addr, 0x20);
    assert_int_equal(vd(r, 1)->loc.addr, 0xa0);
    /* The master is the controller, with the slave's lines 8-15 added. */
    assert_int_equal(vd(r, 0)->controller_index, 1);
    assert_int_equal(vd(r, 1)->controller_index, -1);
    assert_int_equal(r->f.vm.ncontrollers, 2);
    assert_int_equal(ctl(r, "8259")->lines, 16);
    assert_intr(vd(r, 2), 0, "8259", 9);
    /* command/data ports and the ELCR of each */
    assert_non_null(region_at(r, SPACE_IO, 0x20));
    assert_non_null(region_at(r, SPACE_IO, 0xa0));
    assert_int_equal(region_at(r, SPACE_IO, 0x4d0)->length, 1);
    assert_int_equal(region_at(r, SPACE_IO, 0x4d1)->length, 1);
    run_free(r);
}

static void test_8259_master_alone_has_8_lines(void **state)
{
    (void)state;
    struct run *r = run_text("vdev 8259 loc 0x20 hostvector 0x40\nvdev ser8250 intr 8259:7");
    assert_true(r->ok);
    assert_int_equal(ctl(r, "8259")->lines, 8);
    assert_int_equal(ctl(r, "8259")->hostvector, 0x40); /* a count: decimal unless 0x */
    run_free(r);
}

static void test_8259_line_rules(void **state)
{
    (void)state;
    /* lines 8-15 need the slave */
    assert_refuses("vdev 8259 loc 0x20\nvdev ser8250 intr 8259:9",
                   "t.qvmconf:2:19: error: line 9 is out of range for 8259: lines 0 to 7\n");
    /* line 2 is the cascade to the slave, with or without it */
    assert_refuses("vdev 8259 loc 0x20\nvdev ser8250 intr 8259:2",
                   "t.qvmconf:2:19: error: line 2 of 8259 cannot be given to a device: it is the cascade from the slave\n");
    assert_refuses("vdev 8259 loc 0x20\nvdev 8259 loc 0xa0\nvdev ser8250 intr 8259:2",
                   "t.qvmconf:3:19: error: line 2 of 8259 cannot be given to a device: it is the cascade from the slave\n");
    assert_refuses("vdev 8259 loc 0x20\nvdev 8259 loc 0xa0\nvdev ser8250 intr 8259:16",
                   "t.qvmconf:3:19: error: line 16 is out of range for 8259: lines 0 to 15\n");
}

static void test_8259_automatic_lines_skip_the_cascade(void **state)
{
    (void)state;
    /* automatic order 5, 9, 10, 11, 3, 4, ...; 9-11 need the slave */
    struct run *r = run_text("vdev 8259 loc 0x20\nvdev virtio-entropy\nvdev virtio-entropy\n"
                             "vdev virtio-entropy intr 8259");
    assert_true(r->ok);
    assert_intr(vd(r, 1), 0, "8259", 5);
    assert_intr(vd(r, 2), 0, "8259", 3);
    assert_intr(vd(r, 3), 0, "8259", 4);
    assert_true(assigned(r, "8259", 4, 0)->automatic);
    run_free(r);
    r = run_text("vdev 8259 loc 0x20\nvdev 8259 loc 0xa0\nvdev virtio-entropy\n"
                 "vdev virtio-entropy");
    assert_true(r->ok);
    assert_intr(vd(r, 2), 0, "8259", 5);
    assert_intr(vd(r, 3), 0, "8259", 9);
    run_free(r);
}

static void test_8259_loc_errors(void **state)
{
    (void)state;
    assert_refuses("vdev 8259 loc 0x40",
                   "t.qvmconf:1:6: error: vdev 8259: loc must be io:0x20 (master) or io:0xa0 "
                   "(slave)\n");
    assert_refuses("vdev 8259 loc mem:0x20",
                   "t.qvmconf:1:15: error: vdev 8259 has I/O-port registers: its loc is "
                   "io:PORT\n");
    assert_refuses("vdev 8259 loc 0xa0", "t.qvmconf:1:6: error: vdev 8259: the slave at io:0xa0 "
                                         "needs a master at io:0x20\n");
    assert_refuses("vdev 8259 loc 0x20\nvdev 8259 loc 0x20",
                   "t.qvmconf:2:6: error: vdev 8259: a second master at io:0x20 (the first is at "
                   "t.qvmconf:1:6)\n");
    assert_refuses("vdev 8259 loc 0x20\nvdev 8259 loc 0xa0\nvdev 8259 name s2 loc 0xa0",
                   "t.qvmconf:3:6: error: vdev 8259: a second slave at io:0xa0 (the first is at "
                   "t.qvmconf:2:6)\n");
    assert_refuses("vdev 8259 loc 0x20 intr apic",
                   "t.qvmconf:1:20: error: 'intr' is not an option of vdev 8259\n");
    assert_refuses(ARM "vdev 8259 loc 0x20",
                   "t.qvmconf:2:6: error: vdev 8259 exists on x86_64 only; this configuration is "
                   "for arm64 (set arch x86_64 to check it for x86_64)\n");
}

/* ---- timer8254 ---------------------------------------------------------- */

static void test_timer8254(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic name ioa\nvdev timer8254 intr ioa:0");
    assert_true(r->ok);
    const struct vdev_spec *v = vd(r, 1);
    assert_string_equal(v->name, "timer8254");
    assert_int_equal(v->loc.space, LOC_IO);
    assert_int_equal(v->loc.addr, 0x40);
    assert_int_equal(v->nintr, 1);
    assert_intr(v, 0, "ioa", 0);
    assert_int_equal(region_at(r, SPACE_IO, 0x40)->length, 4);
    assert_int_equal(region_at(r, SPACE_IO, 0x61)->length, 1); /* port B */
    run_free(r);
}

static void test_timer8254_errors(void **state)
{
    (void)state;
    assert_refuses("vdev timer8254 intr apic",
                   "t.qvmconf:1:21: error: only interrupt controllers connect to the local APIC; "
                   "give a line of an ioapic or 8259 (CONTROLLER:LINE)\n");
    assert_refuses("vdev timer8254 intr ioa:0",
                   "t.qvmconf:1:21: error: unknown interrupt controller 'ioa'\n");
    assert_refuses("vdev timer8254 loc pci:0:2",
                   "t.qvmconf:1:20: error: vdev timer8254 is not a PCI device: its loc is io:PORT\n");
    assert_refuses("vdev timer8254 hostvector 3",
                   "t.qvmconf:1:16: error: 'hostvector' is not an option of vdev timer8254\n");
    assert_refuses(ARM "vdev timer8254",
                   "t.qvmconf:2:6: error: vdev timer8254 exists on x86_64 only; this "
                   "configuration is for arm64 (set arch x86_64 to check it for x86_64)\n");
}

/* ---- mc146818 ----------------------------------------------------------- */

static void test_mc146818(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic name ioa\n"
                             "vdev mc146818 intr ioa:8 reg 0x0b,0x02 reg 32,20 reg 0d16,0d255");
    assert_true(r->ok);
    const struct vdev_spec *v = vd(r, 1);
    assert_int_equal(v->loc.space, LOC_IO);
    assert_int_equal(v->loc.addr, 0x70);
    assert_intr(v, 0, "ioa", 8);
    /* reg is repeatable; OFFSET and VALUE are hexadecimal by default */
    const struct optval *reg = opt(r, 1, "reg");
    assert_int_equal(optval_count(reg), 3);
    assert_int_equal(reg->u, 0x0b02);
    assert_int_equal(reg->next->u, 0x3220);
    assert_int_equal(reg->next->next->u, 0x10ff);
    assert_int_equal(region_at(r, SPACE_IO, 0x70)->length, 2);
    run_free(r);
    r = run_text("vdev mc146818");
    assert_true(r->ok);
    assert_int_equal(vd(r, 0)->nintr, 0);
    assert_false(opt(r, 0, "reg")->set);
    run_free(r);
}

static void test_mc146818_errors(void **state)
{
    (void)state;
    assert_refuses("vdev mc146818 reg 0x80,1",
                   "t.qvmconf:1:19: error: reg 0x80,1: the offset must be below 0x80 and the "
                   "value a byte\n");
    assert_refuses("vdev mc146818 reg 0x0b,0x100",
                   "t.qvmconf:1:19: error: reg 0x0b,0x100: the offset must be below 0x80 and the "
                   "value a byte\n");
    assert_refuses("vdev mc146818 reg 0x0b",
                   "t.qvmconf:1:19: error: reg expects OFFSET,VALUE, found '0x0b'\n");
    assert_refuses("vdev mc146818 reg 0x0z,1",
                   "t.qvmconf:1:22: error: invalid register offset '0x0z': unexpected character "
                   "'z' after the number\n");
    assert_refuses("vdev mc146818 reg 0xb,",
                   "t.qvmconf:1:23: error: register value: expected a number\n");
    assert_refuses("vdev mc146818 loc pci:0:1",
                   "t.qvmconf:1:19: error: vdev mc146818 is not a PCI device: its loc is io:PORT\n");
    assert_refuses(ARM "vdev mc146818",
                   "t.qvmconf:2:6: error: vdev mc146818 exists on x86_64 only; this "
                   "configuration is for arm64 (set arch x86_64 to check it for x86_64)\n");
}

/* ---- hpet --------------------------------------------------------------- */

static void test_hpet_defaults(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic name ioa\nvdev hpet intr ioa:2");
    assert_true(r->ok);
    const struct vdev_spec *v = vd(r, 1);
    assert_int_equal(v->loc.space, LOC_MEM);
    assert_int_equal(v->loc.addr, 0xfed00000);
    assert_int_equal(opt(r, 1, "frequency")->u, 14318180);
    assert_false(opt(r, 1, "frequency")->set);
    assert_false(opt(r, 1, "legacy-free")->set);
    assert_int_equal(region_at(r, SPACE_MEM, 0xfed00000)->length, 0x400);
    run_free(r);
}

static void test_hpet_intr_accumulates(void **state)
{
    (void)state;
    /* "intr a,b" == "intr a intr b", and the forms mix */
    struct run *r = run_text("vdev ioapic name ioa\n"
                             "vdev hpet loc 0xf8008000 intr ioa:2,ioa:6 intr ioa:10\n"
                             "  frequency 10000000 legacy-free");
    assert_true(r->ok);
    const struct vdev_spec *v = vd(r, 1);
    assert_int_equal(v->loc.addr, 0xf8008000);
    assert_int_equal(v->nintr, 3);
    assert_intr(v, 0, "ioa", 2);
    assert_intr(v, 1, "ioa", 6);
    assert_intr(v, 2, "ioa", 10);
    assert_int_equal(v->intr[1].at.col, 37);
    const struct intr_assign *a = assigned(r, "ioa", 10, 0);
    assert_int_equal(a->slot, 2);
    assert_int_equal(opt(r, 1, "frequency")->u, 10000000);
    assert_true(opt(r, 1, "legacy-free")->set);
    assert_true(opt(r, 1, "legacy-free")->b);
    run_free(r);
}

static void test_hpet_timer_limit(void **state)
{
    (void)state;
    char text[1024] = "vdev ioapic name a\nvdev ioapic name b loc 0xfec01000\nvdev hpet";
    char ok32[1024];
    for (int i = 0; i < 24; i++)
        sprintf(text + strlen(text), " intr a:%d", i);
    for (int i = 0; i < 8; i++)
        sprintf(text + strlen(text), "%sb:%d", i ? "," : " intr ", i);
    strcpy(ok32, text);
    struct run *r = run_text(ok32);
    assert_true(r->ok);
    assert_int_equal(vd(r, 2)->nintr, 32);
    run_free(r);
    /* the 33rd timer is reported at its own column */
    strcat(text, ",b:8");
    size_t col = strlen(text) - 3 + 1;
    char expected[256];
    snprintf(expected, sizeof(expected),
             "t.qvmconf:3:%zu: error: vdev hpet: at most 32 timers (one per intr entry)\n",
             col - strlen("vdev ioapic name a\nvdev ioapic name b loc 0xfec01000\n"));
    assert_refuses(text, expected);
}

static void test_hpet_errors(void **state)
{
    (void)state;
    assert_refuses("vdev hpet frequency 9999999",
                   "t.qvmconf:1:21: error: frequency 9999999 is out of range (10000000 to "
                   "1000000000)\n");
    assert_refuses("vdev hpet frequency 1000000001",
                   "t.qvmconf:1:21: error: frequency 1000000001 is out of range (10000000 to "
                   "1000000000)\n");
    assert_refuses("vdev hpet frequency 14.3M",
                   "t.qvmconf:1:23: error: invalid frequency '14.3M': unexpected character '.' "
                   "after the number\n");
    assert_refuses("vdev ioapic name ioa\nvdev hpet intr ioa:2,,ioa:8",
                   "t.qvmconf:2:22: error: expected an interrupt as CONTROLLER:LINE, found ''\n");
    assert_refuses("vdev ioapic name ioa\nvdev hpet intr ioa:2,ioa:24",
                   "t.qvmconf:2:22: error: line 24 is out of range for ioa: lines 0 to 23\n");
    assert_refuses("vdev ioapic name ioa\nvdev hpet intr ioa:5,ioa:5",
                   "t.qvmconf:2:22: error: interrupt ioa:5 is already used by vdev hpet at "
                   "t.qvmconf:2:16\n");
    assert_refuses("vdev ioapic vdev hpet intr ioapic:2 hostvector 2",
                   "t.qvmconf:1:37: error: 'hostvector' is not an option of vdev hpet\n");
    assert_refuses(ARM "vdev hpet",
                   "t.qvmconf:2:6: error: vdev hpet exists on x86_64 only; this configuration is "
                   "for arm64 (set arch x86_64 to check it for x86_64)\n");
}

/* HPET legacy replacement: timer 0 may share the PIT's line and timer 1 the
 * RTC's; nothing else shares. */
static void test_hpet_legacy_replacement_sharing(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic name ioa\nvdev timer8254 intr ioa:0\n"
                             "vdev mc146818 intr ioa:8\nvdev hpet intr ioa:0,ioa:8,ioa:10");
    assert_true(r->ok);
    const struct intr_assign *pit = assigned(r, "ioa", 0, 0);
    const struct intr_assign *t0 = assigned(r, "ioa", 0, 1);
    assert_int_equal(pit->vdev, 1);
    assert_true(pit->shared);
    assert_int_equal(t0->vdev, 3);
    assert_int_equal(t0->slot, 0);
    assert_true(t0->shared);
    assert_true(assigned(r, "ioa", 8, 0)->shared);
    assert_int_equal(assigned(r, "ioa", 8, 1)->slot, 1);
    assert_false(assigned(r, "ioa", 10, 0)->shared);
    run_free(r);
    /* in either order of declaration */
    assert_accepts("vdev ioapic name ioa\nvdev hpet intr ioa:0,ioa:8\nvdev timer8254 intr ioa:0\n"
                   "vdev mc146818 intr ioa:8");
}

static void test_hpet_sharing_refused(void **state)
{
    (void)state;
    /* timer 1 may not share with the PIT */
    assert_refuses("vdev ioapic name ioa\nvdev timer8254 intr ioa:0\nvdev hpet intr ioa:2,ioa:0",
                   "t.qvmconf:3:22: error: interrupt ioa:0 is already used by vdev timer8254 at "
                   "t.qvmconf:2:21\n");
    /* timer 0 may not share with the RTC */
    assert_refuses("vdev ioapic name ioa\nvdev mc146818 intr ioa:8\nvdev hpet intr ioa:8",
                   "t.qvmconf:3:16: error: interrupt ioa:8 is already used by vdev mc146818 at "
                   "t.qvmconf:2:20\n");
    /* timer 2 shares with nobody */
    assert_refuses("vdev ioapic name ioa\nvdev timer8254 intr ioa:0\n"
                   "vdev hpet intr ioa:2,ioa:8,ioa:0",
                   "t.qvmconf:3:28: error: interrupt ioa:0 is already used by vdev timer8254 at "
                   "t.qvmconf:2:21\n");
    /* nor does any other vdev with a timer */
    assert_refuses("vdev ioapic name ioa\nvdev hpet intr ioa:4\nvdev ser8250 intr ioa:4",
                   "t.qvmconf:3:19: error: interrupt ioa:4 is already used by vdev hpet at "
                   "t.qvmconf:2:16\n");
    assert_refuses("vdev ioapic name ioa\nvdev ser8250 intr ioa:0\nvdev hpet intr ioa:0",
                   "t.qvmconf:3:16: error: interrupt ioa:0 is already used by vdev ser8250 at "
                   "t.qvmconf:2:19\n");
    /* two HPETs' timers 0 do not share, even on the PIT's line */
    assert_refuses("vdev ioapic name ioa\nvdev timer8254 intr ioa:0\nvdev hpet intr ioa:0\n"
                   "vdev hpet name hpet1 loc 0xfed01000 intr ioa:0",
                   "t.qvmconf:4:42: error: interrupt ioa:0 is already used by vdev hpet at "
                   "t.qvmconf:3:16\n");
}

/* ---- pckeyboard --------------------------------------------------------- */

static void test_pckeyboard(void **state)
{
    (void)state;
    struct run *r = run_text("vdev pckeyboard\nvdev pckeyboard name kbd2 loc io:0x160");
    assert_true(r->ok);
    assert_int_equal(vd(r, 0)->loc.space, LOC_IO);
    assert_int_equal(vd(r, 0)->loc.addr, 0x60);
    assert_int_equal(vd(r, 0)->nintr, 0);
    assert_int_equal(region_at(r, SPACE_IO, 0x60)->length, 1);
    assert_int_equal(region_at(r, SPACE_IO, 0x64)->length, 1);
    assert_int_equal(vd(r, 1)->loc.addr, 0x160);
    assert_string_equal(region_at(r, SPACE_IO, 0x164)->owner, "vdev pckeyboard (kbd2)");
    run_free(r);
}

static void test_pckeyboard_errors(void **state)
{
    (void)state;
    assert_refuses("vdev pckeyboard intr ioa:1",
                   "t.qvmconf:1:17: error: 'intr' is not an option of vdev pckeyboard\n");
    assert_refuses("vdev pckeyboard loc pci:0:4",
                   "t.qvmconf:1:21: error: vdev pckeyboard is not a PCI device: its loc is io:PORT\n");
    assert_refuses("vdev pckeyboard loc 0x10000",
                   "t.qvmconf:1:21: error: I/O port 0x10000 is beyond 0xffff\n");
    assert_refuses("vdev pckeyboard\nvdev pckeyboard",
                   "t.qvmconf:2:6: error: vdev pckeyboard (io 0x60-0x60) overlaps vdev "
                   "pckeyboard (io 0x60-0x60) at t.qvmconf:1:6\n"
                   "t.qvmconf:2:6: error: vdev pckeyboard (io 0x64-0x64) overlaps vdev "
                   "pckeyboard (io 0x64-0x64) at t.qvmconf:1:6\n");
    assert_refuses(ARM "vdev pckeyboard",
                   "t.qvmconf:2:6: error: vdev pckeyboard exists on x86_64 only; this "
                   "configuration is for arm64 (set arch x86_64 to check it for x86_64)\n");
}

/* ---- ser8250 ------------------------------------------------------------ */

static void test_ser8250_x86(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic name ioa\n"
                             "vdev ser8250 name uart0 loc 0x2f8 intr ioa:3 hostdev <in.txt\n"
                             "  hostdev >out.txt hostdev >- batch 500 delayed forever sched 10\n"
                             "vdev ser8250 intr ioa:4 delayed 0d30");
    assert_true(r->ok);
    const struct vdev_spec *v = vd(r, 1);
    assert_string_equal(v->name, "uart0");
    assert_int_equal(v->loc.space, LOC_IO);
    assert_int_equal(v->loc.addr, 0x2f8);
    assert_intr(v, 0, "ioa", 3);
    const struct optval *h = &v->opts[UART_OPT_HOSTDEV];
    assert_int_equal(optval_count(h), 3);
    assert_int_equal(h->hostdev.dir, HOSTDEV_IN);
    assert_string_equal(h->hostdev.path, FIXTURES "/in.txt");
    assert_int_equal(h->next->hostdev.dir, HOSTDEV_OUT);
    assert_false(h->next->hostdev.to_stdout);
    assert_string_equal(h->next->hostdev.path, FIXTURES "/out.txt");
    assert_true(h->next->next->hostdev.to_stdout);
    assert_int_equal(v->opts[UART_OPT_BATCH].u, 500);
    assert_int_equal(v->opts[UART_OPT_DELAYED].u, DELAYED_FOREVER);
    assert_int_equal(v->opts[UART_OPT_SCHED].u, 10);
    assert_int_equal(region_at(r, SPACE_IO, 0x2f8)->length, 8);
    /* the default port: COM1 */
    assert_int_equal(vd(r, 2)->loc.addr, 0x3f8);
    assert_int_equal(vd(r, 2)->opts[UART_OPT_DELAYED].u, 30);
    assert_false(vd(r, 2)->opts[UART_OPT_HOSTDEV].set);
    run_free(r);
}

static void test_ser8250_arm64(void **state)
{
    (void)state;
    struct run *r = run_text(ARM "vdev ser8250 loc 0x9000000 intr gic:33 hostdev >-");
    assert_true(r->ok);
    assert_int_equal(vd(r, 0)->loc.space, LOC_MEM); /* a bare number is memory on arm64 */
    assert_int_equal(vd(r, 0)->loc.addr, 0x9000000);
    assert_intr(vd(r, 0), 0, "gic", 33);
    run_free(r);
    assert_refuses(ARM "vdev ser8250",
                   "t.qvmconf:2:6: error: vdev ser8250 needs a loc on arm64 (its default, "
                   "io:0x3f8, exists on x86_64 only)\n");
    assert_refuses(ARM "vdev ser8250 loc io:0x3f8",
                   "t.qvmconf:2:18: error: I/O ports exist on x86_64 only; this configuration "
                   "is for arm64\n");
}

static void test_ser8250_errors(void **state)
{
    (void)state;
    assert_refuses("vdev ser8250 batch 1000001",
                   "t.qvmconf:1:20: error: batch 1000001 is out of range (0 to 1000000)\n");
    assert_refuses("vdev ser8250 batch 5ms",
                   "t.qvmconf:1:21: error: invalid batch '5ms': unexpected character 'm' after "
                   "the number\n");
    assert_refuses("vdev ser8250 delayed never",
                   "t.qvmconf:1:22: error: invalid delayed seconds 'never': expected a digit, "
                   "found 'n'\n");
    assert_refuses("vdev ser8250 sched 0",
                   "t.qvmconf:1:20: error: sched 0 is out of range (1 to 99)\n");
    assert_refuses("vdev ser8250 sched 100",
                   "t.qvmconf:1:20: error: sched 100 is out of range (1 to 99)\n");
    assert_refuses("vdev ser8250 hostdev <",
                   "t.qvmconf:1:22: error: hostdev needs a path: >-, >FILE, <FILE or a pty/socket "
                   "path\n");
    assert_refuses("vdev ser8250 loc io:0xfffc",
                   "t.qvmconf:1:6: error: vdev ser8250: its registers at 0xfffc go beyond the "
                   "end of the address space\n");
    assert_refuses("vdev ser8250 loc pci:0:3",
                   "t.qvmconf:1:18: error: vdev ser8250 is not a PCI device: its loc is mem:ADDR or io:PORT\n");
    assert_refuses("vdev ser8250 hostvector 4",
                   "t.qvmconf:1:14: error: 'hostvector' is not an option of vdev ser8250\n");
}

/* ---- pl011 -------------------------------------------------------------- */

static void test_pl011(void **state)
{
    (void)state;
    struct run *r = run_text(ARM "vdev pl011 loc 0x1c090000 intr gic:37 hostdev >- batch 100 "
                                 "sched 20 delayed 3\nvdev virtio-entropy");
    assert_true(r->ok);
    const struct vdev_spec *v = vd(r, 0);
    assert_string_equal(v->type->name, "pl011");
    assert_int_equal(v->loc.space, LOC_MEM);
    assert_int_equal(v->loc.addr, 0x1c090000);
    assert_intr(v, 0, "gic", 37);
    assert_true(v->opts[UART_OPT_HOSTDEV].hostdev.to_stdout);
    assert_int_equal(v->opts[UART_OPT_BATCH].u, 100);
    assert_int_equal(v->opts[UART_OPT_SCHED].u, 20);
    assert_int_equal(v->opts[UART_OPT_DELAYED].u, 3);
    assert_int_equal(region_at(r, SPACE_MEM, 0x1c090000)->length, 0x1000);
    assert_intr(vd(r, 1), 0, "gic", 32); /* a PCI device's line: the first free SPI */
    run_free(r);
}

static void test_pl011_errors(void **state)
{
    (void)state;
    assert_refuses(ARM "vdev pl011 intr gic:33",
                   "t.qvmconf:2:6: error: vdev pl011 needs a loc (it has no default location)\n");
    assert_refuses(ARM "vdev pl011 loc 0x9000000 intr gic:31",
                   "t.qvmconf:2:31: error: line 31 is out of range for gic: lines 32 to 1019\n");
    assert_refuses(ARM "vdev pl011 loc 0x9000000 intr gic:1020",
                   "t.qvmconf:2:31: error: line 1020 is out of range for gic: lines 32 to 1019\n");
    assert_refuses(ARM "vdev pl011 loc 0x8000000 intr gic:33",
                   "t.qvmconf:2:6: error: vdev pl011 (mem 0x8000000-0x8000fff) overlaps vdev gic "
                   "(mem 0x8000000-0x800ffff) at <implicit>:1:1\n");
    assert_refuses(ARM "vdev pl011 loc io:0x3f8",
                   "t.qvmconf:2:16: error: I/O ports exist on x86_64 only; this configuration "
                   "is for arm64\n");
    assert_refuses(ARM "vdev pl011 loc 0x9000000 sched 0",
                   "t.qvmconf:2:32: error: sched 0 is out of range (1 to 99)\n");
    assert_refuses("vdev pl011 loc 0x9000000",
                   "t.qvmconf:1:6: error: vdev pl011 exists on arm64 only; this configuration is "
                   "for x86_64 (set arch arm64 to check it for arm64)\n");
}

/* ---- gic ---------------------------------------------------------------- */

static void test_gic_implicit(void **state)
{
    (void)state;
    struct run *r = run_text(ARM "cpu cpu");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.nvdevs, 1);
    const struct vdev_spec *v = vd(r, 0);
    assert_string_equal(v->type->name, "gic");
    assert_true(v->implicit);
    assert_int_equal(v->loc.addr, 0x08000000);
    assert_int_equal(r->f.vm.ncontrollers, 1); /* no local APIC on arm64 */
    const struct controller_spec *c = ctl(r, "gic");
    assert_int_equal(c->first_line, 32);
    assert_int_equal(c->lines, 988);
    /* GICv3 by default: a 64 KiB distributor and 128 KiB of redistributors per vCPU */
    assert_false(opt(r, 0, "version")->set);
    assert_int_equal(region_at(r, SPACE_MEM, 0x08000000)->length, 0x10000);
    assert_int_equal(region_at(r, SPACE_MEM, 0x080a0000)->length, 2 * 0x20000);
    run_free(r);
    r = run_text("ram 64m");
    assert_int_equal(r->f.vm.nvdevs, 1); /* no gic on x86: only the implicit acpi-pm */
    assert_string_equal(r->f.vm.vdevs[0].type->name, "acpi-pm");
    assert_true(r->f.vm.vdevs[0].implicit);
    run_free(r);
}

static void test_gic_version_2(void **state)
{
    (void)state;
    struct run *r = run_text(ARM "vdev gic version 2 loc 0x2c001000 gicc 0x2c002000 "
                                 "msi 0x2c1f0000,64,32 hostvector 16");
    assert_true(r->ok);
    const struct vdev_spec *v = vd(r, 0);
    assert_false(v->implicit);
    assert_int_equal(v->loc.addr, 0x2c001000);
    assert_int_equal(opt(r, 0, "version")->u, 2);
    assert_int_equal(opt(r, 0, "gicc")->u, 0x2c002000);
    assert_string_equal(opt(r, 0, "msi")->arg->text, "0x2c1f0000,64,32");
    assert_int_equal(ctl(r, "gic")->hostvector, 16);
    assert_int_equal(region_at(r, SPACE_MEM, 0x2c001000)->length, 0x1000);
    assert_string_equal(region_at(r, SPACE_MEM, 0x2c002000)->what, "CPU interface");
    assert_string_equal(region_at(r, SPACE_MEM, 0x2c1f0000)->what, "MSI frame");
    run_free(r);
    /* gicc alone means a GICv2; so does msi */
    r = run_text(ARM "vdev gic gicc 0x8010000");
    assert_true(r->ok);
    assert_int_equal(region_at(r, SPACE_MEM, 0x08000000)->length, 0x1000);
    assert_int_equal(region_at(r, SPACE_MEM, 0x08010000)->length, 0x2000);
    run_free(r);
    assert_accepts(ARM "vdev gic msi 0x8020000,64,32");
}

static void test_gic_version_3(void **state)
{
    (void)state;
    struct run *r = run_text(ARM "vdev gic version 3 gicr 0x9000000 its 0x8080000 num-lpis 8192\n"
                                 "cpu cpu cpu cpu");
    assert_true(r->ok);
    assert_int_equal(opt(r, 0, "version")->u, 3);
    assert_int_equal(opt(r, 0, "gicr")->u, 0x9000000);
    assert_int_equal(opt(r, 0, "its")->u, 0x8080000);
    assert_int_equal(opt(r, 0, "num-lpis")->u, 8192);
    assert_int_equal(region_at(r, SPACE_MEM, 0x9000000)->length, 4 * 0x20000);
    assert_string_equal(region_at(r, SPACE_MEM, 0x8080000)->what, "ITS");
    run_free(r);
    /* gicr or its alone imply version 3 */
    assert_accepts(ARM "vdev gic gicr 0x80a0000");
    assert_accepts(ARM "vdev gic its 0x8080000 num-lpis 65536");
}

static void test_gic_version_errors(void **state)
{
    (void)state;
    assert_refuses(ARM "vdev gic version 4",
                   "t.qvmconf:2:18: error: gic version 4 is not supported (KVM's vGIC is version "
                   "2 or 3)\n");
    assert_refuses(ARM "vdev gic version 1",
                   "t.qvmconf:2:18: error: gic version must be 2 or 3, found '1'\n");
    assert_refuses(ARM "vdev gic version v3",
                   "t.qvmconf:2:18: error: invalid gic version 'v3': expected a digit, found "
                   "'v'\n");
    assert_refuses(ARM "vdev gic version 2 gicr 0x80a0000",
                   "t.qvmconf:2:20: error: gicr (redistributors) exists in GICv3 only\n");
    assert_refuses(ARM "vdev gic version 2 its 0x8080000 num-lpis 8192",
                   "t.qvmconf:2:20: error: its exists in GICv3 only\n");
    assert_refuses(ARM "vdev gic version 3 gicc 0x8010000",
                   "t.qvmconf:2:20: error: gicc (the memory-mapped CPU interface) exists in GICv2 "
                   "only\n");
    assert_refuses(ARM "vdev gic version 3 msi 0x8020000,64,32",
                   "t.qvmconf:2:20: error: msi frames are for GICv2; a GICv3 uses its ITS\n");
    assert_refuses(ARM "vdev gic its 0x8080000", "t.qvmconf:2:10: error: its needs num-lpis\n");
    assert_refuses(ARM "vdev gic num-lpis 8191",
                   "t.qvmconf:2:19: error: num-lpis 8191 is out of range (8192 to 65536)\n");
    assert_refuses(ARM "vdev gic num-lpis 65537",
                   "t.qvmconf:2:19: error: num-lpis 65537 is out of range (8192 to 65536)\n");
    assert_refuses(ARM "cpu cpu cpu cpu cpu cpu cpu cpu cpu\nvdev gic version 2",
                   "t.qvmconf:3:6: error: a GICv2 serves at most 8 vCPUs; this VM has 9\n");
    assert_accepts(ARM "cpu cpu cpu cpu cpu cpu cpu cpu\nvdev gic version 2");
}

static void test_gic_msi_errors(void **state)
{
    (void)state;
    assert_refuses(ARM "vdev gic version 2 msi 0x8020000,16,32",
                   "t.qvmconf:2:24: error: msi 0x8020000,16,32: the interrupts must be SPIs (32 "
                   "to 1019)\n");
    assert_refuses(ARM "vdev gic version 2 msi 0x8020000,1000,32",
                   "t.qvmconf:2:24: error: msi 0x8020000,1000,32: the interrupts must be SPIs (32 "
                   "to 1019)\n");
    assert_refuses(ARM "vdev gic version 2 msi 0x8020000,64,0",
                   "t.qvmconf:2:24: error: msi 0x8020000,64,0: the interrupts must be SPIs (32 to "
                   "1019)\n");
    assert_refuses(ARM "vdev gic version 2 msi 0x8020000,64",
                   "t.qvmconf:2:24: error: msi expects ADDR,BASE,COUNT, found '0x8020000,64'\n");
    assert_refuses(ARM "vdev gic version 2 msi 0x8020000,6x,32",
                   "t.qvmconf:2:35: error: invalid msi base interrupt '6x': unexpected character "
                   "'x' after the number\n");
}

static void test_gic_name(void **state)
{
    (void)state;
    struct run *r = run_text(ARM "vdev gic name gary\nvdev pl011 loc 0x9000000 intr gary:33");
    assert_true(r->ok);
    assert_string_equal(ctl(r, "gary")->name, "gary");
    assert_intr(vd(r, 1), 0, "gary", 33);
    run_free(r);
    assert_refuses(ARM "vdev gic name gary\nvdev pl011 loc 0x9000000 intr gic:33",
                   "t.qvmconf:3:31: error: unknown interrupt controller 'gic'\n");
    assert_refuses(ARM "vdev gic\nvdev gic name g2 loc 0x10000000",
                   "t.qvmconf:3:6: error: a second vdev gic (the first is at t.qvmconf:2:6)\n");
    assert_refuses(ARM "vdev gic name g:1",
                   "t.qvmconf:2:6: error: interrupt controller name 'g:1' may not contain ':'\n");
    assert_refuses(ARM "vdev gic intr gic:40",
                   "t.qvmconf:2:10: error: 'intr' is not an option of vdev gic; did you mean "
                   "'its'?\n");
    assert_refuses("vdev gic",
                   "t.qvmconf:1:6: error: vdev gic exists on arm64 only; this configuration is "
                   "for x86_64 (set arch arm64 to check it for arm64)\n");
}

/* ---- virtio ------------------------------------------------------------- */

static void test_virtio_blk_pci(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic name ioa\n"
                             "vdev virtio-blk hostdev <disk.img threads 4 dio enable delayed 5 "
                             "legacy\nvdev virtio-blk hostdev /dev/vdb");
    assert_true(r->ok);
    const struct vdev_spec *v = vd(r, 1);
    assert_true(v->pci);
    assert_false(v->mmio_transport);
    assert_int_equal(v->loc.space, LOC_PCI_BDF);
    assert_int_equal(v->loc.bus, 0);
    assert_int_equal(v->loc.dev, 1);
    assert_int_equal(v->loc.fn, 0);
    assert_intr(v, 0, "ioa", 16);
    assert_true(assigned(r, "ioa", 16, 0)->automatic);
    const struct optval *h = opt(r, 1, "hostdev");
    assert_int_equal(h->hostdev.dir, HOSTDEV_IN);
    assert_string_equal(h->hostdev.path, FIXTURES "/disk.img");
    assert_int_equal(opt(r, 1, "threads")->u, 4);
    assert_int_equal(opt(r, 1, "dio")->e, 0); /* enable */
    assert_int_equal(opt(r, 1, "delayed")->u, 5);
    assert_true(opt(r, 1, "legacy")->b);
    /* defaults */
    assert_int_equal(opt(r, 2, "hostdev")->hostdev.dir, HOSTDEV_BOTH);
    assert_string_equal(opt(r, 2, "hostdev")->hostdev.path, "/dev/vdb");
    assert_false(opt(r, 2, "threads")->set);
    assert_false(opt(r, 2, "legacy")->set);
    assert_int_equal(vd(r, 2)->loc.dev, 2);
    assert_intr(vd(r, 2), 0, "ioa", 17);
    /* PCI functions take no guest memory of their own in the map */
    for (unsigned i = 0; i < r->f.vm.nmap; i++)
        assert_string_not_equal(r->f.vm.map[i].owner, "vdev virtio-blk");
    assert_non_null(region_at(r, SPACE_IO, 0xcf8));
    run_free(r);
}

static void test_virtio_blk_mmio(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic name ioa\n"
                             "vdev virtio-blk hostdev disk.img loc 0xd0000000 intr ioa:10");
    assert_true(r->ok);
    const struct vdev_spec *v = vd(r, 1);
    assert_false(v->pci);
    assert_true(v->mmio_transport);
    assert_int_equal(v->loc.space, LOC_MEM);
    assert_int_equal(v->loc.addr, 0xd0000000);
    assert_intr(v, 0, "ioa", 10);
    const struct region *g = region_at(r, SPACE_MEM, 0xd0000000);
    assert_int_equal(g->length, 0x200);
    assert_string_equal(g->what, "virtio-mmio registers");
    /* no PCI device, so no configuration ports */
    assert_null(region_at(r, SPACE_IO, 0xcf8));
    run_free(r);
}

static void test_virtio_blk_errors(void **state)
{
    (void)state;
    assert_refuses("vdev virtio-blk",
                   "t.qvmconf:1:6: error: vdev virtio-blk needs a hostdev (its backing file)\n");
    assert_refuses("vdev virtio-blk hostdev >out.img",
                   "t.qvmconf:1:25: error: virtio-blk hostdev: '>' means output-only, which a disk "
                   "cannot be; use PATH or <PATH (read-only)\n");
    assert_refuses("vdev virtio-blk hostdev d threads 0",
                   "t.qvmconf:1:35: error: threads 0 is out of range (1 to 32)\n");
    assert_refuses("vdev virtio-blk hostdev d threads 33",
                   "t.qvmconf:1:35: error: threads 33 is out of range (1 to 32)\n");
    assert_refuses("vdev virtio-blk hostdev d dio on",
                   "t.qvmconf:1:31: error: invalid value 'on' for dio: expected one of enable, "
                   "disable\n");
    assert_refuses("vdev virtio-blk hostdev d dio enabel",
                   "t.qvmconf:1:31: error: invalid value 'enabel' for dio: expected one of enable, "
                   "disable; did you mean 'enable'?\n");
    assert_refuses("vdev virtio-blk hostdev d sched 5",
                   "t.qvmconf:1:27: error: 'sched' is not an option of vdev virtio-blk\n");
}

static void test_virtio_pci_or_mmio(void **state)
{
    (void)state;
    /* loc without intr: neither PCI nor complete as MMIO */
    assert_refuses("vdev virtio-entropy loc 0xd0000000",
                   "t.qvmconf:1:25: error: vdev virtio-entropy at mem:0xd0000000 needs an intr as "
                   "well to be memory-mapped (without loc it is a PCI device)\n");
    assert_refuses("vdev ioapic name ioa\nvdev virtio-entropy loc io:0x100 intr ioa:5",
                   "t.qvmconf:2:25: error: vdev virtio-entropy: a memory-mapped transport needs a "
                   "mem: location\n");
    assert_refuses("vdev virtio-entropy loc pci:0x8086/0x1234",
                   "t.qvmconf:1:25: error: vdev virtio-entropy: pci:VID/DID names a host device; "
                   "a vdev's loc is a guest slot, pci:BUS:DEV[.FUNC]\n");
    /* a PCI slot and an intr line: still PCI, with that line */
    struct run *r = run_text("vdev ioapic name ioa\nvdev virtio-entropy loc pci:0:7.0 intr ioa:11");
    assert_true(r->ok);
    assert_true(vd(r, 1)->pci);
    assert_false(vd(r, 1)->mmio_transport);
    assert_int_equal(vd(r, 1)->loc.dev, 7);
    assert_intr(vd(r, 1), 0, "ioa", 11);
    run_free(r);
}

static void test_virtio_net(void **state)
{
    (void)state;
    struct run *r = run_text("vdev virtio-net mac aa:BB:cc:00:11:22 peer vp0 peerfeats 0x7fc3 "
                             "name guest_to_host loc pci:0:1 legacy\n"
                             "vdev virtio-net peer /dev/vdevpeers/vp1");
    assert_true(r->ok);
    const struct vdev_spec *v = vd(r, 0);
    assert_string_equal(v->name, "guest_to_host");
    assert_true(v->pci);
    assert_int_equal(v->loc.dev, 1);
    assert_int_equal(v->nintr, 0); /* no controller with lines on this VM: MSI only */
    assert_int_equal(opt(r, 0, "mac")->u, 0xaabbcc001122);
    assert_string_equal(opt(r, 0, "peer")->s, FIXTURES "/vp0");
    assert_int_equal(opt(r, 0, "peerfeats")->u, 0x7fc3);
    assert_true(opt(r, 0, "legacy")->b);
    assert_string_equal(opt(r, 1, "peer")->s, "/dev/vdevpeers/vp1");
    assert_false(opt(r, 1, "mac")->set);
    assert_int_equal(vd(r, 1)->loc.dev, 2);
    run_free(r);
    /* QNX's guest-to-host example, memory-mapped on ARM, on one line */
    r = run_text(ARM "vdev virtio-net loc 0x1c0c0000 intr gic:40 mac aa:aa:aa:aa:aa:aa name p2p "
                     "peer /dev/vdevpeers/vp0 peerfeats 0x3");
    assert_true(r->ok);
    assert_true(vd(r, 0)->mmio_transport);
    assert_intr(vd(r, 0), 0, "gic", 40);
    assert_int_equal(opt(r, 0, "peerfeats")->u, 3);
    run_free(r);
}

static void test_virtio_net_errors(void **state)
{
    (void)state;
    assert_refuses("vdev virtio-net mac 01:00:00:00:00:01",
                   "t.qvmconf:1:21: error: MAC address 01:00:00:00:00:01 is a multicast address "
                   "(bit 0 of the first byte is set)\n");
    assert_refuses("vdev virtio-net mac 02:00:00:00:00",
                   "t.qvmconf:1:21: error: invalid MAC address '02:00:00:00:00': expected six hex "
                   "bytes, aa:bb:cc:dd:ee:ff\n");
    assert_refuses("vdev virtio-net mac 02-00-00-00-00-01",
                   "t.qvmconf:1:21: error: invalid MAC address '02-00-00-00-00-01': expected six "
                   "hex bytes, aa:bb:cc:dd:ee:ff\n");
    assert_refuses("vdev virtio-net mac 02:00:00:00:00:0g",
                   "t.qvmconf:1:21: error: invalid MAC address '02:00:00:00:00:0g': expected six "
                   "hex bytes, aa:bb:cc:dd:ee:ff\n");
    assert_refuses("vdev virtio-net peer \"\"", "t.qvmconf:1:22: error: peer needs a path\n");
    assert_refuses("vdev virtio-net peerfeats 0x1ffffffffffffffff",
                   "t.qvmconf:1:27: error: invalid peerfeats '0x1ffffffffffffffff': number does "
                   "not fit in 64 bits\n");
    assert_refuses("vdev virtio-net tapdev tap0",
                   "t.qvmconf:1:17: error: 'tapdev' is not an option of vdev virtio-net\n");
}

static void test_virtio_console(void **state)
{
    (void)state;
    struct run *r = run_text("vdev virtio-console hostdev >- hostdev <console.in sched 5 "
                             "delayed 0 legacy");
    assert_true(r->ok);
    assert_true(vd(r, 0)->pci);
    const struct optval *h = opt(r, 0, "hostdev");
    assert_int_equal(optval_count(h), 2);
    assert_true(h->hostdev.to_stdout);
    assert_int_equal(h->next->hostdev.dir, HOSTDEV_IN);
    assert_int_equal(opt(r, 0, "sched")->u, 5);
    assert_int_equal(opt(r, 0, "delayed")->u, 0);
    assert_true(opt(r, 0, "delayed")->set);
    assert_true(opt(r, 0, "legacy")->b);
    run_free(r);
    assert_refuses("vdev virtio-console sched 100",
                   "t.qvmconf:1:27: error: sched 100 is out of range (1 to 99)\n");
    assert_refuses("vdev virtio-console delayed soon",
                   "t.qvmconf:1:29: error: invalid delayed seconds 'soon': expected a digit, "
                   "found 's'\n");
    assert_refuses("vdev virtio-console hostdev >",
                   "t.qvmconf:1:29: error: hostdev needs a path: >-, >FILE, <FILE or a pty/socket "
                   "path\n");
}

static void test_virtio_entropy(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic name ioa\nvdev virtio-entropy delayed forever\n"
                             "vdev virtio-entropy loc 0xd0000000 intr ioa:5");
    assert_true(r->ok);
    assert_true(vd(r, 1)->pci);
    assert_int_equal(opt(r, 1, "delayed")->u, DELAYED_FOREVER);
    assert_true(vd(r, 2)->mmio_transport);
    assert_int_equal(vd(r, 2)->loc.addr, 0xd0000000);
    assert_intr(vd(r, 2), 0, "ioa", 5);
    run_free(r);
    assert_refuses("vdev virtio-entropy legacy",
                   "t.qvmconf:1:21: error: 'legacy' is not an option of vdev virtio-entropy\n");
}

static void test_virtio_on_arm64(void **state)
{
    (void)state;
    struct run *r = run_text(ARM "vdev virtio-entropy\nvdev virtio-console hostdev >-");
    assert_true(r->ok);
    assert_true(vd(r, 0)->pci);
    assert_intr(vd(r, 0), 0, "gic", 32);
    assert_intr(vd(r, 1), 0, "gic", 33);
    assert_string_equal(region_at(r, SPACE_MEM, 0x3f000000)->owner, "PCI ECAM (bus 0)");
    run_free(r);
}

/* ---- automatic PCI slots and lines -------------------------------------- */

static void test_automatic_pci_slots(void **state)
{
    (void)state;
    /* the lowest free device, function 0; slot 0 is the host bridge; explicit
     * and reserved slots are skipped, whatever their order */
    struct run *r = run_text("reserve loc pci:0:2\nvdev virtio-entropy\nvdev virtio-entropy\n"
                             "vdev virtio-entropy loc pci:0:1.3\nvdev pci-dummy clone "
                             "pci:0x8086/0x1234 loc pci:0:3");
    assert_true(r->ok);
    assert_int_equal(vd(r, 0)->loc.dev, 4);
    assert_int_equal(vd(r, 1)->loc.dev, 5);
    assert_int_equal(vd(r, 2)->loc.dev, 1);
    assert_int_equal(vd(r, 2)->loc.fn, 3);
    assert_int_equal(vd(r, 3)->loc.dev, 3);
    run_free(r);
    assert_refuses("vdev virtio-entropy loc pci:0:0",
                   "t.qvmconf:1:6: error: PCI slot pci:0:0.0 is already used by the PCI host "
                   "bridge at <implicit>:1:1\n");
    assert_refuses("vdev virtio-entropy loc pci:0:4\nvdev virtio-entropy loc pci:0:4.0",
                   "t.qvmconf:2:6: error: PCI slot pci:0:4.0 is already used by vdev "
                   "virtio-entropy at t.qvmconf:1:6\n");
    assert_refuses("vdev virtio-entropy loc pci:1:4",
                   "t.qvmconf:1:6: error: PCI bus 1: kqvm has a single PCI bus, 0\n");
    assert_refuses("vdev virtio-entropy loc pci:0:4.8",
                   "t.qvmconf:1:29: error: PCI location 'pci:0:4.8' out of range (bus 0-255, "
                   "device 0-31, function 0-7)\n");
    /* BUS:DEV.FUNC are decimal, as QNX writes them (pci:0:31.0 is lspci's 00:1f.0) */
    assert_refuses("vdev virtio-entropy loc pci:0:1f",
                   "t.qvmconf:1:32: error: invalid PCI device '1f': unexpected character 'f' "
                   "after the number\n");
    assert_refuses("vdev virtio-entropy loc pci:0:32",
                   "t.qvmconf:1:29: error: PCI location 'pci:0:32' out of range (bus 0-255, "
                   "device 0-31, function 0-7)\n");
}

static void test_pci_slots_run_out(void **state)
{
    (void)state;
    char text[2048] = "";
    for (int i = 0; i < 31; i++)
        strcat(text, "vdev virtio-entropy\n");
    struct run *r = run_text(text);
    assert_true(r->ok);
    assert_int_equal(vd(r, 30)->loc.dev, 31);
    run_free(r);
    strcat(text, "vdev virtio-entropy");
    assert_refuses(text, "t.qvmconf:32:6: error: no free PCI slot left on bus 0 for vdev "
                         "virtio-entropy\n");
}

static void test_automatic_lines(void **state)
{
    (void)state;
    /* the ioapic hands out 16-23 first, avoiding lines in use or reserved */
    struct run *r = run_text("vdev ioapic name ioa\nreserve intr 17\nreserve intr ioa:19\n"
                             "vdev virtio-entropy\nvdev virtio-entropy\nvdev ser8250 intr ioa:18\n"
                             "vdev virtio-entropy\nvdev virtio-entropy intr ioa");
    assert_true(r->ok);
    assert_intr(vd(r, 1), 0, "ioa", 16);
    assert_intr(vd(r, 2), 0, "ioa", 20);
    assert_intr(vd(r, 4), 0, "ioa", 21);
    assert_intr(vd(r, 5), 0, "ioa", 22);
    assert_true(assigned(r, "ioa", 22, 0)->automatic);
    assert_false(assigned(r, "ioa", 18, 0)->automatic);
    run_free(r);
    /* the first controller with lines serves PCI devices without intr */
    r = run_text("vdev ioapic name a\nvdev ioapic name b loc 0xfec01000\nvdev virtio-entropy");
    assert_true(r->ok);
    assert_intr(vd(r, 2), 0, "a", 16);
    run_free(r);
}

static void test_automatic_lines_run_out(void **state)
{
    (void)state;
    /* the ioapic's automatic list is 16-23, 5, 9, 10, 11: twelve lines */
    char text[2048] = "vdev ioapic name ioa\n";
    for (int i = 0; i < 12; i++)
        strcat(text, "vdev virtio-entropy\n");
    struct run *r = run_text(text);
    assert_true(r->ok);
    assert_intr(vd(r, 9), 0, "ioa", 5);
    assert_intr(vd(r, 12), 0, "ioa", 11);
    run_free(r);
    strcat(text, "vdev virtio-entropy");
    assert_refuses(text, "t.qvmconf:14:6: error: no free line left on interrupt controller 'ioa' "
                         "for vdev virtio-entropy\n");
}

/* ---- shmem -------------------------------------------------------------- */

/* What shmem's create stores (a private struct of src/vdev/shmem.c). */
struct shmem_region_copy {
    const char *name;
    uint64_t size;
};

static void test_shmem(void **state)
{
    (void)state;
    struct run *r = run_text("vdev shmem create ring0,0x10000 create ring1,64k allow vm* "
                             "allow \"guest?\" deny vm2");
    assert_true(r->ok);
    const struct vdev_spec *v = vd(r, 0);
    assert_true(v->pci);
    assert_int_equal(v->loc.dev, 1);
    const struct optval *c = opt(r, 0, "create");
    assert_int_equal(optval_count(c), 2);
    const struct shmem_region_copy *s0 = c->custom, *s1 = c->next->custom;
    assert_string_equal(s0->name, "ring0");
    assert_int_equal(s0->size, 0x10000); /* hexadecimal with 0x */
    assert_string_equal(s1->name, "ring1");
    assert_int_equal(s1->size, 0x10000);
    assert_int_equal(optval_count(opt(r, 0, "allow")), 2);
    assert_string_equal(opt(r, 0, "allow")->s, "vm*");
    assert_string_equal(opt(r, 0, "allow")->next->s, "guest?");
    assert_string_equal(opt(r, 0, "deny")->s, "vm2");
    run_free(r);
    /* memory-mapped: loc is the factory page */
    r = run_text("vdev ioapic name myioapic\nvdev shmem\n  create TEST1,0xf0000  # name TEST1\n"
                 "  loc 0x10000000    # factory page\n  intr myioapic:10");
    assert_true(r->ok);
    assert_true(vd(r, 1)->mmio_transport);
    const struct region *g = region_at(r, SPACE_MEM, 0x10000000);
    assert_int_equal(g->length, 0x1000);
    assert_string_equal(g->what, "factory page");
    assert_int_equal(((const struct shmem_region_copy *)opt(r, 1, "create")->custom)->size,
                     0xf0000);
    run_free(r);
    assert_accepts("vdev shmem");
}

static void test_shmem_errors(void **state)
{
    (void)state;
    assert_refuses("vdev shmem create ring0",
                   "t.qvmconf:1:19: error: create expects NAME,SIZE, found 'ring0'\n");
    assert_refuses("vdev shmem create ,0x1000",
                   "t.qvmconf:1:19: error: create expects NAME,SIZE, found ',0x1000'\n");
    assert_refuses("vdev shmem create a/b,0x1000",
                   "t.qvmconf:1:19: error: shared memory name 'a/b' may not contain '/'\n");
    assert_refuses("vdev shmem create r,0",
                   "t.qvmconf:1:21: error: invalid shared memory size '0': a size of zero is not "
                   "allowed\n");
    assert_refuses("vdev shmem create r,1000",
                   "t.qvmconf:1:21: error: shared memory size 1000 is not a multiple of 4 KiB\n");
    assert_refuses("vdev shmem create r,4k\n  create r,8k",
                   "t.qvmconf:2:10: error: shared memory region 'r' is already created at "
                   "t.qvmconf:1:19\n");
    assert_refuses("vdev shmem loc 0x10000000",
                   "t.qvmconf:1:16: error: vdev shmem at mem:0x10000000 needs an intr as well to "
                   "be memory-mapped (without loc it is a PCI device)\n");
}

/* ---- watchdogs ---------------------------------------------------------- */

static void test_wdt_ib700(void **state)
{
    (void)state;
    struct run *r = run_text("vdev wdt-ib700");
    assert_true(r->ok);
    const struct vdev_spec *v = vd(r, 0);
    assert_int_equal(v->loc.space, LOC_IO);
    assert_int_equal(v->loc.addr, 0x441);
    assert_false(opt(r, 0, "action")->set); /* terminate */
    assert_string_equal(region_at(r, SPACE_IO, 0x441)->what, "stop");
    assert_string_equal(region_at(r, SPACE_IO, 0x443)->what, "start/timeout");
    run_free(r);
    r = run_text("dump .\nvdev wdt-ib700 action dump,terminate loc 0x443");
    assert_true(r->ok);
    assert_int_equal(opt(r, 0, "action")->u, WDT_ACTION_DUMP | WDT_ACTION_TERMINATE);
    assert_int_equal(vd(r, 0)->loc.addr, 0x443);
    assert_non_null(region_at(r, SPACE_IO, 0x445));
    run_free(r);
    r = run_text("vdev wdt-ib700 action terminate");
    assert_true(r->ok);
    assert_int_equal(opt(r, 0, "action")->u, WDT_ACTION_TERMINATE);
    run_free(r);
}

static void test_wdt_dump_without_global_dump_warns(void **state)
{
    (void)state;
    struct run *r = run_text("vdev wdt-ib700 action dump,terminate");
    assert_true(r->ok);
    assert_string_equal(r->msgs, "t.qvmconf:1:23: warning: watchdog action 'dump' writes nothing "
                                 "without a global 'dump DIR' or 'dump \"|COMMAND\"'\n");
    run_free(r);
    assert_accepts("vdev wdt-ib700 action dump,terminate\ndump \"|gzip >wdt.gz\"");
}

static void test_wdt_ib700_errors(void **state)
{
    (void)state;
    assert_refuses("vdev wdt-ib700 action fiq",
                   "t.qvmconf:1:23: error: invalid watchdog action 'fiq': expected "
                   "[dump,]terminate\n");
    assert_refuses("vdev wdt-ib700 action reboot",
                   "t.qvmconf:1:23: error: invalid watchdog action 'reboot': expected "
                   "[dump,]terminate\n");
    assert_refuses("vdev wdt-ib700 intr ioa:3",
                   "t.qvmconf:1:16: error: 'intr' is not an option of vdev wdt-ib700\n");
    assert_refuses("vdev wdt-ib700 frequency 1000",
                   "t.qvmconf:1:16: error: 'frequency' is not an option of vdev wdt-ib700\n");
    assert_refuses(ARM "vdev wdt-ib700",
                   "t.qvmconf:2:6: error: vdev wdt-ib700 exists on x86_64 only; this "
                   "configuration is for arm64 (set arch x86_64 to check it for x86_64)\n");
}

static void test_wdt_sp805(void **state)
{
    (void)state;
    struct run *r = run_text(ARM "vdev wdt-sp805");
    assert_true(r->ok);
    assert_int_equal(vd(r, 0)->loc.space, LOC_MEM);
    assert_int_equal(vd(r, 0)->loc.addr, 0x1c0f0000);
    assert_int_equal(opt(r, 0, "frequency")->u, 25000000);
    assert_false(opt(r, 0, "frequency")->set);
    assert_int_equal(region_at(r, SPACE_MEM, 0x1c0f0000)->length, 0x1000);
    run_free(r);
    r = run_text(ARM "dump .\nvdev wdt-sp805 loc 0x1c100000 action dump,fiq intr gic:40 "
                     "frequency 1000000");
    assert_true(r->ok);
    assert_int_equal(vd(r, 0)->loc.addr, 0x1c100000);
    assert_int_equal(opt(r, 0, "action")->u, WDT_ACTION_DUMP | WDT_ACTION_FIQ);
    assert_int_equal(opt(r, 0, "frequency")->u, 1000000);
    assert_intr(vd(r, 0), 0, "gic", 40);
    run_free(r);
}

static void test_wdt_sp805_errors(void **state)
{
    (void)state;
    assert_refuses(ARM "vdev wdt-sp805 action fiq",
                   "t.qvmconf:2:23: error: watchdog action 'fiq' needs an intr to raise\n");
    assert_refuses(ARM "vdev wdt-sp805 action dump",
                   "t.qvmconf:2:23: error: invalid watchdog action 'dump': expected "
                   "[dump,]terminate or [dump,]fiq\n");
    assert_refuses(ARM "vdev wdt-sp805 frequency 0",
                   "t.qvmconf:2:26: error: frequency 0 is out of range (1 to 1000000000)\n");
    assert_refuses(ARM "vdev wdt-sp805 frequency 25MHz",
                   "t.qvmconf:2:28: error: invalid frequency '25MHz': unexpected character 'M' "
                   "after the number\n");
    assert_refuses("vdev wdt-sp805",
                   "t.qvmconf:1:6: error: vdev wdt-sp805 exists on arm64 only; this configuration "
                   "is for x86_64 (set arch arm64 to check it for arm64)\n");
}

/* ---- pci-dummy ---------------------------------------------------------- */

/* What pci-dummy's reg stores (a private struct of src/vdev/pci-dummy.c). */
struct dummy_reg_copy {
    uint8_t offset, size;
    uint64_t value;
};

static void test_pci_dummy(void **state)
{
    (void)state;
    struct run *r = run_text("vdev pci-dummy clone pci:0x8086/0x5aa8/1 loc pci:0:31");
    assert_true(r->ok);
    const struct vdev_spec *v = vd(r, 0);
    assert_true(v->pci);
    assert_int_equal(v->loc.dev, 31); /* decimal, as QNX writes it */
    assert_int_equal(v->nintr, 0);
    const struct optval *c = opt(r, 0, "clone");
    assert_int_equal(c->loc.space, LOC_PCI_ID);
    assert_int_equal(c->loc.vid, 0x8086);
    assert_int_equal(c->loc.did, 0x5aa8);
    assert_int_equal(c->loc.index, 1);
    run_free(r);
    r = run_text("vdev pci-dummy reg Vendor_ID=0x8086 reg 2/2=0x1234 reg Class_Code[2]=0x06 "
                 "reg 0x2c/4=0xffffffff");
    assert_true(r->ok);
    const struct optval *g = opt(r, 0, "reg");
    assert_int_equal(optval_count(g), 4);
    const struct dummy_reg_copy *d = g->custom;
    assert_int_equal(d->offset, 0);
    assert_int_equal(d->size, 2);
    assert_int_equal(d->value, 0x8086);
    d = g->next->custom;
    assert_int_equal(d->offset, 2);
    assert_int_equal(d->value, 0x1234);
    d = g->next->next->custom;
    assert_int_equal(d->offset, 0x0b);
    assert_int_equal(d->size, 1);
    d = g->next->next->next->custom;
    assert_int_equal(d->offset, 0x2c);
    assert_int_equal(d->size, 4);
    assert_int_equal(d->value, 0xffffffff);
    assert_int_equal(vd(r, 0)->loc.dev, 1);
    run_free(r);
    /* QNX's Linux-guest example */
    r = run_text("vdev pci-dummy clone pci:0:31.0");
    assert_true(r->ok);
    assert_int_equal(opt(r, 0, "clone")->loc.space, LOC_PCI_BDF);
    assert_int_equal(opt(r, 0, "clone")->loc.dev, 31);
    run_free(r);
    assert_accepts("vdev pci-dummy reg 0/4=0x12348086");
    assert_accepts(ARM "vdev pci-dummy clone pci:0x8086/0x1234");
}

static void test_pci_dummy_errors(void **state)
{
    (void)state;
    assert_refuses("vdev pci-dummy",
                   "t.qvmconf:1:6: error: vdev pci-dummy needs clone or a Vendor_ID (reg "
                   "Vendor_ID=... or reg 0/2=...): a function without a vendor ID is absent\n");
    assert_refuses("vdev pci-dummy reg Device_ID=0x1234",
                   "t.qvmconf:1:6: error: vdev pci-dummy needs clone or a Vendor_ID (reg "
                   "Vendor_ID=... or reg 0/2=...): a function without a vendor ID is absent\n");
    /* With a clone the vendor ID is there: each bad reg is its only error. */
    assert_refuses("vdev pci-dummy clone pci:0:2 reg 0/3=0xffff",
                   "t.qvmconf:1:34: error: reg 0/3=0xffff: the size must be 1, 2, 4 or 8\n");
    assert_refuses("vdev pci-dummy clone pci:0:2 reg 2/4=0xffff",
                   "t.qvmconf:1:34: error: reg 2/4=0xffff: the offset must be aligned to the size "
                   "and lie in the 256-byte configuration header\n");
    assert_refuses("vdev pci-dummy clone pci:0:2 reg 0x100/1=1",
                   "t.qvmconf:1:34: error: reg 0x100/1=1: the offset must be aligned to the size "
                   "and lie in the 256-byte configuration header\n");
    assert_refuses("vdev pci-dummy clone pci:0:2 reg 0/2=0x10000",
                   "t.qvmconf:1:38: error: value 0x10000 does not fit in 2 bytes\n");
    assert_refuses("vdev pci-dummy clone pci:0:2 reg Class_Code[1]=0x100",
                   "t.qvmconf:1:48: error: value 0x100 does not fit in 1 byte\n");
    assert_refuses("vdev pci-dummy clone pci:0:2 reg Vendor_Id=1",
                   "t.qvmconf:1:34: error: unknown register 'Vendor_Id' (known: Vendor_ID, "
                   "Device_ID, Revision_ID, Class_Code[0-2], Header_Type, Sub_Vendor_ID, "
                   "Sub_System_ID)\n");
    assert_refuses("vdev pci-dummy clone pci:0:2 reg 0/2",
                   "t.qvmconf:1:34: error: reg expects OFFSET/SIZE=VALUE or NAME=VALUE, found "
                   "'0/2'\n");
    /* without a clone either: the bad reg is the one message, not a missing Vendor_ID */
    assert_refuses("vdev pci-dummy reg 0/3=0x8086",
                   "t.qvmconf:1:20: error: reg 0/3=0x8086: the size must be 1, 2, 4 or 8\n");
    /* With a Vendor_ID given, a bad clone is its only error. */
    assert_refuses("vdev pci-dummy reg Vendor_ID=1 clone 0x1000",
                   "t.qvmconf:1:38: error: clone expects a host PCI device, pci:BUS:DEV[.FUNC] or "
                   "pci:VID/DID[/INDEX]\n");
    assert_refuses(
        "vdev pci-dummy reg Vendor_ID=1 clone pci:0x18086/0x1234",
        "t.qvmconf:1:42: error: PCI ID 'pci:0x18086/0x1234' out of range (vendor and device "
        "IDs are 16-bit, the index at most 255)\n");
    assert_refuses("vdev pci-dummy clone pci:0:2 loc 0x1000",
                   "t.qvmconf:1:34: error: vdev pci-dummy is a PCI device: its loc is "
                   "pci:BUS:DEV[.FUNC]\n");
    assert_refuses("vdev pci-dummy clone pci:0:2 intr ioa:3",
                   "t.qvmconf:1:30: error: 'intr' is not an option of vdev pci-dummy\n");
}

/* ---- common options ----------------------------------------------------- */

static void test_vdev_prefix(void **state)
{
    (void)state;
    struct run *r = run_text("vdev vdev-ioapic name ioa\nvdev vdev-hpet intr ioa:2\n"
                             "vdev vdev-virtio-blk hostdev d");
    assert_true(r->ok);
    assert_string_equal(vd(r, 0)->type->name, "ioapic");
    assert_string_equal(vd(r, 1)->type->name, "hpet");
    assert_string_equal(vd(r, 1)->name, "hpet");
    assert_string_equal(vd(r, 2)->type->name, "virtio-blk");
    run_free(r);
    r = run_text(ARM "vdev vdev-pl011 loc 0x1c090000 intr gic:37");
    assert_true(r->ok);
    assert_string_equal(vd(r, 0)->type->name, "pl011");
    run_free(r);
    assert_refuses("vdev vdev-", "t.qvmconf:1:6: error: unknown vdev type 'vdev-'\n");
}

static void test_name_option(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ser8250 name console0\nvdev ser8250 loc 0x2f8\n"
                             "vdev ser8250 loc 0x3e8 name ser8250");
    assert_true(r->ok);
    assert_string_equal(vd(r, 0)->name, "console0");
    assert_true(vd(r, 0)->named);
    assert_string_equal(vd(r, 1)->name, "ser8250");
    assert_false(vd(r, 1)->named);
    assert_true(vd(r, 2)->named);
    /* the label in the map names the vdev by its name when it differs */
    assert_string_equal(region_at(r, SPACE_IO, 0x3f8)->owner, "vdev ser8250 (console0)");
    assert_string_equal(region_at(r, SPACE_IO, 0x3e8)->owner, "vdev ser8250");
    run_free(r);
    assert_refuses("vdev ser8250 name a/b",
                   "t.qvmconf:1:19: error: invalid name 'a/b': a name may not be empty, '.', '..', "
                   "or contain '/' or white space\n");
    assert_refuses("vdev ser8250 name ..",
                   "t.qvmconf:1:19: error: invalid name '..': a name may not be empty, '.', '..', "
                   "or contain '/' or white space\n");
    assert_refuses("vdev ser8250 name \"my uart\"",
                   "t.qvmconf:1:19: error: invalid name 'my uart': a name may not be empty, '.', "
                   "'..', or contain '/' or white space\n");
}

static void test_loc_forms(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ser8250 loc io:0x2f8\nvdev ser8250 loc 2e8\n"
                             "vdev ser8250 loc mem:0xd0000000\nvdev ser8250 loc 0d1000\n"
                             "vdev ioapic loc 0xf8008000\nvdev ioapic name h1 loc mem:f8009000");
    assert_true(r->ok);
    assert_int_equal(vd(r, 0)->loc.space, LOC_IO);
    assert_int_equal(vd(r, 0)->loc.addr, 0x2f8);
    assert_int_equal(vd(r, 1)->loc.space, LOC_IO); /* ser8250's bare numbers are ports */
    assert_int_equal(vd(r, 1)->loc.addr, 0x2e8);   /* hexadecimal without 0x */
    assert_int_equal(vd(r, 2)->loc.space, LOC_MEM);
    assert_int_equal(vd(r, 2)->loc.addr, 0xd0000000);
    assert_int_equal(vd(r, 3)->loc.addr, 1000);     /* 0d forces decimal */
    assert_int_equal(vd(r, 4)->loc.space, LOC_MEM); /* ioapic's bare numbers are memory */
    assert_int_equal(vd(r, 5)->loc.addr, 0xf8009000);
    assert_int_equal(region_at(r, SPACE_MEM, 0xd0000000)->length, 8);
    run_free(r);
    assert_refuses("vdev ser8250 loc port:0x2f8",
                   "t.qvmconf:1:18: error: unknown location space 'port:': expected mem:, io: or "
                   "pci:\n");
    assert_refuses("vdev ser8250 loc 0x2f8,8",
                   "t.qvmconf:1:23: error: invalid I/O port '0x2f8,8': unexpected character ',' "
                   "after the number\n");
    assert_refuses("vdev ser8250 loc pci:3",
                   "t.qvmconf:1:22: error: invalid PCI location 'pci:3': expected "
                   "pci:BUS:DEV[.FUNC] or pci:VID/DID[/INDEX]\n");
    assert_refuses("vdev hpet loc mem:", "t.qvmconf:1:19: error: address: expected a number\n");
}

static void test_last_loc_wins(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic name ioa\nvdev ser8250 loc 0x2f8 intr ioa:3 loc 0x3e8 "
                             "intr ioa:4 batch 10 batch 20");
    assert_true(r->ok);
    assert_int_equal(vd(r, 1)->loc.addr, 0x3e8);
    assert_int_equal(vd(r, 1)->nintr, 1);
    assert_intr(vd(r, 1), 0, "ioa", 4);
    assert_null(assigned(r, "ioa", 3, 0));
    assert_int_equal(vd(r, 1)->opts[UART_OPT_BATCH].u, 20);
    run_free(r);
}

static void test_log_option(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ser8250 log error,warning stdout log debug,verbose,warn none\n"
                             "  log fatal,internal,info slog\nvdev pckeyboard log info syslog");
    assert_true(r->ok);
    const struct vdev_spec *v = vd(r, 0);
    assert_int_equal(v->nlogs, 3);
    assert_int_equal(v->logs[0].filters, LOGF_ERROR | LOGF_WARN); /* QNX's vdev spelling */
    assert_int_equal(v->logs[0].dest, LOGD_STDOUT);
    assert_int_equal(v->logs[1].filters, LOGF_DEBUG | LOGF_VERBOSE | LOGF_WARN);
    assert_int_equal(v->logs[1].dest, LOGD_NONE);
    assert_int_equal(v->logs[2].filters, LOGF_FATAL | LOGF_INTERNAL | LOGF_INFO);
    assert_int_equal(v->logs[2].dest, LOGD_SYSLOG);
    assert_int_equal(vd(r, 1)->nlogs, 1);
    assert_int_equal(vd(r, 1)->logs[0].dest, LOGD_SYSLOG);
    run_free(r);
    r = run_text("vdev ser8250");
    assert_int_equal(vd(r, 0)->nlogs, 0);
    run_free(r);
    assert_refuses("vdev ser8250 log eror stdout",
                   "t.qvmconf:1:18: error: unknown log filter 'eror' (filters: fatal internal "
                   "error warn info debug verbose); did you mean 'error'?\n");
    assert_refuses("vdev ser8250 log error,warnig stdout",
                   "t.qvmconf:1:24: error: unknown log filter 'warnig' (filters: fatal internal "
                   "error warn info debug verbose); did you mean 'warn'?\n");
    assert_refuses("vdev ser8250 log error file",
                   "t.qvmconf:1:24: error: unknown log destination 'file': expected stdout, "
                   "stderr, slog (or syslog) or none\n");
    assert_refuses("vdev ser8250 log error",
                   "t.qvmconf:1:14: error: 'log' expects 2 arguments (FILTER{,FILTER} DEST), but "
                   "the input ends\n");
}

static void test_hostvector_on_controllers_only(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic name a hostvector 100\n"
                             "vdev ioapic name b loc 0xfec01000\n"
                             "vdev 8259 loc 0x20 hostvector 200\nvdev 8259 loc 0xa0\n"
                             "vdev ioapic name c loc 0xfec02000");
    assert_true(r->ok);
    assert_int_equal(ctl(r, "a")->hostvector, 100);
    assert_int_equal(ctl(r, "b")->hostvector, 124); /* the previous one's base plus its lines */
    assert_false(vd(r, 1)->has_hostvector);
    assert_int_equal(ctl(r, "8259")->hostvector, 200);
    assert_int_equal(ctl(r, "c")->hostvector, 216); /* after the 8259 pair's 16 lines */
    run_free(r);
    r = run_text(ARM "vdev gic hostvector 64");
    assert_true(r->ok);
    assert_int_equal(ctl(r, "gic")->hostvector, 64);
    run_free(r);
    /* a pass-through interrupt's host vector follows from its controller's */
    r = run_text("vdev ioapic name a hostvector 100\npass intr a:9");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.passes[0].host_vector, 109);
    run_free(r);
    /* every other type, with what it needs besides */
    static const char *const others[][2] = {
        { "timer8254", "" },  { "mc146818", "" }, /* hpet: test_hpet_errors */
        { "pckeyboard", "" }, { "ser8250", "" },        { "virtio-blk", " hostdev d" },
        { "virtio-net", "" }, { "virtio-console", "" }, { "virtio-entropy", "" },
        { "shmem", "" },      { "wdt-ib700", "" },      { "pci-dummy", " clone pci:0:2" },
    };
    for (unsigned i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        char text[128], expected[256];
        snprintf(text, sizeof(text), "vdev %s hostvector 1%s", others[i][0], others[i][1]);
        snprintf(expected, sizeof(expected),
                 "t.qvmconf:1:%zu: error: 'hostvector' is not an option of vdev %s\n",
                 strlen(others[i][0]) + 7, others[i][0]);
        assert_refuses(text, expected);
    }
    assert_refuses(ARM "vdev pl011 loc 0x9000000 hostvector 1",
                   "t.qvmconf:2:26: error: 'hostvector' is not an option of vdev pl011\n");
    assert_refuses(ARM "vdev wdt-sp805 hostvector 1",
                   "t.qvmconf:2:16: error: 'hostvector' is not an option of vdev wdt-sp805\n");
}

static void test_intr_errors(void **state)
{
    (void)state;
    assert_refuses("vdev ioapic name ioa0\nvdev ser8250 intr ioa:4",
                   "t.qvmconf:2:19: error: unknown interrupt controller 'ioa'; did you mean "
                   "'ioa0'?\n");
    assert_refuses("vdev ioapic name ioa0\nvdev ser8250 intr ioa0:x",
                   "t.qvmconf:2:24: error: invalid interrupt line 'x': expected a digit, found "
                   "'x'\n");
    assert_refuses("vdev ioapic name ioa0\nvdev ser8250 intr :4",
                   "t.qvmconf:2:19: error: expected an interrupt as CONTROLLER:LINE, found ':4'\n");
    assert_refuses("vdev ioapic name ioa0\nvdev ser8250 intr ioa0:",
                   "t.qvmconf:2:24: error: interrupt line: expected a number\n");
    assert_refuses("vdev ioapic name ioa0\nvdev ser8250 intr ioa0:4,ioa0:5",
                   "t.qvmconf:2:25: error: invalid interrupt line '4,ioa0:5': unexpected "
                   "character ',' after the number\n");
    /* two users of one line: one error, naming both places */
    assert_refuses("vdev ioapic name ioa0\nvdev ser8250 intr ioa0:4\n"
                   "vdev ser8250 loc 0x2f8 intr ioa0:4",
                   "t.qvmconf:3:29: error: interrupt ioa0:4 is already used by vdev ser8250 at "
                   "t.qvmconf:2:19\n");
    /* a reservation only keeps automatic numbers away */
    assert_accepts("vdev ioapic name ioa0\nreserve intr ioa0:4\nvdev ser8250 intr ioa0:4");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ioapic_defaults),
        cmocka_unit_test(test_ioapic_named_at_address),
        cmocka_unit_test(test_ioapic_errors),
        cmocka_unit_test(test_8259_master_and_slave),
        cmocka_unit_test(test_8259_master_alone_has_8_lines),
        cmocka_unit_test(test_8259_line_rules),
        cmocka_unit_test(test_8259_automatic_lines_skip_the_cascade),
        cmocka_unit_test(test_8259_loc_errors),
        cmocka_unit_test(test_timer8254),
        cmocka_unit_test(test_timer8254_errors),
        cmocka_unit_test(test_mc146818),
        cmocka_unit_test(test_mc146818_errors),
        cmocka_unit_test(test_hpet_defaults),
        cmocka_unit_test(test_hpet_intr_accumulates),
        cmocka_unit_test(test_hpet_timer_limit),
        cmocka_unit_test(test_hpet_errors),
        cmocka_unit_test(test_hpet_legacy_replacement_sharing),
        cmocka_unit_test(test_hpet_sharing_refused),
        cmocka_unit_test(test_pckeyboard),
        cmocka_unit_test(test_pckeyboard_errors),
        cmocka_unit_test(test_ser8250_x86),
        cmocka_unit_test(test_ser8250_arm64),
        cmocka_unit_test(test_ser8250_errors),
        cmocka_unit_test(test_pl011),
        cmocka_unit_test(test_pl011_errors),
        cmocka_unit_test(test_gic_implicit),
        cmocka_unit_test(test_gic_version_2),
        cmocka_unit_test(test_gic_version_3),
        cmocka_unit_test(test_gic_version_errors),
        cmocka_unit_test(test_gic_msi_errors),
        cmocka_unit_test(test_gic_name),
        cmocka_unit_test(test_virtio_blk_pci),
        cmocka_unit_test(test_virtio_blk_mmio),
        cmocka_unit_test(test_virtio_blk_errors),
        cmocka_unit_test(test_virtio_pci_or_mmio),
        cmocka_unit_test(test_virtio_net),
        cmocka_unit_test(test_virtio_net_errors),
        cmocka_unit_test(test_virtio_console),
        cmocka_unit_test(test_virtio_entropy),
        cmocka_unit_test(test_virtio_on_arm64),
        cmocka_unit_test(test_automatic_pci_slots),
        cmocka_unit_test(test_pci_slots_run_out),
        cmocka_unit_test(test_automatic_lines),
        cmocka_unit_test(test_automatic_lines_run_out),
        cmocka_unit_test(test_shmem),
        cmocka_unit_test(test_shmem_errors),
        cmocka_unit_test(test_wdt_ib700),
        cmocka_unit_test(test_wdt_dump_without_global_dump_warns),
        cmocka_unit_test(test_wdt_ib700_errors),
        cmocka_unit_test(test_wdt_sp805),
        cmocka_unit_test(test_wdt_sp805_errors),
        cmocka_unit_test(test_pci_dummy),
        cmocka_unit_test(test_pci_dummy_errors),
        cmocka_unit_test(test_vdev_prefix),
        cmocka_unit_test(test_name_option),
        cmocka_unit_test(test_loc_forms),
        cmocka_unit_test(test_last_loc_wins),
        cmocka_unit_test(test_log_option),
        cmocka_unit_test(test_hostvector_on_controllers_only),
        cmocka_unit_test(test_intr_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
