/* Locations (mem:, io:, pci:), interrupts (CONTROLLER:LINE, apic, automatic
 * numbers, uniqueness, hostvector), pass-through and the memory map. */
#include "unit.h"

static void test_location_forms(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ser8250 loc io:0x2f8\n"
                             "vdev ser8250 loc 3e8\n"
                             "vdev virtio-blk loc pci:0:31.7 hostdev tiny.bin\n"
                             "vdev ioapic loc mem:0xf8000000\n"
                             "vdev ioapic name i1 loc f8008000\n");
    assert_true(r->ok);
    const struct vdev_spec *v = r->f.vm.vdevs;
    assert_int_equal(v[0].loc.space, LOC_IO);
    assert_int_equal(v[0].loc.addr, 0x2f8);
    assert_int_equal(v[1].loc.space, LOC_IO); /* a bare number is ser8250's default space */
    assert_int_equal(v[1].loc.addr, 0x3e8);
    assert_int_equal(v[2].loc.space, LOC_PCI_BDF);
    assert_int_equal(v[2].loc.dev, 31); /* decimal, as QNX writes pci:0:31.0 */
    assert_int_equal(v[2].loc.fn, 7);
    assert_int_equal(v[3].loc.space, LOC_MEM);
    assert_int_equal(v[3].loc.addr, 0xf8000000);
    assert_int_equal(v[4].loc.addr, 0xf8008000);
    run_free(r);
}

static void test_location_errors(void **state)
{
    (void)state;
    assert_refuses("vdev ser8250 loc foo:3",
                   "t.qvmconf:1:18: error: unknown location space 'foo:': expected mem:, io: or "
                   "pci:\n");
    assert_refuses("vdev ser8250 loc io:0x10000",
                   "t.qvmconf:1:21: error: I/O port 0x10000 is beyond 0xffff\n");
    assert_refuses("vdev ser8250 loc pci:0:1",
                   "t.qvmconf:1:18: error: vdev ser8250 is not a PCI device: its loc is "
                   "mem:ADDR or io:PORT\n");
    assert_refuses("vdev virtio-net loc pci:0:32.0",
                   "t.qvmconf:1:25: error: PCI location 'pci:0:32.0' out of range (bus 0-255, "
                   "device 0-31, function 0-7)\n");
    assert_refuses("vdev virtio-net loc pci:0x8086/0x1234",
                   "t.qvmconf:1:21: error: vdev virtio-net: pci:VID/DID names a host device; a "
                   "vdev's loc is a guest slot, pci:BUS:DEV[.FUNC]\n");
    assert_refuses("vdev virtio-net loc pci:3",
                   "t.qvmconf:1:25: error: invalid PCI location 'pci:3': expected "
                   "pci:BUS:DEV[.FUNC] or pci:VID/DID[/INDEX]\n");
    assert_refuses("vdev pl011 loc 0x9000000", "t.qvmconf:1:6: error: vdev pl011 exists on arm64 "
                                               "only; this configuration is for x86_64 (set arch "
                                               "arm64 to check it for arm64)\n");
    assert_refuses("set arch arm64 vdev ser8250",
                   "t.qvmconf:1:21: error: vdev ser8250 needs a loc on arm64 (its default, "
                   "io:0x3f8, exists on x86_64 only)\n");
    assert_refuses("set arch arm64 vdev ser8250 loc io:0x3f8",
                   "t.qvmconf:1:33: error: I/O ports exist on x86_64 only; this configuration is "
                   "for arm64\n");
}

static void test_interrupt_lines(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic name ioa0 loc 0xf8000000 intr apic\n"
                             "vdev ser8250 intr ioa0:4\n"
                             "vdev timer8254 intr ioa0:0\n");
    assert_true(r->ok);
    const struct vm_spec *vm = &r->f.vm;
    assert_int_equal(vm->ncontrollers, 2); /* apic and ioa0 */
    assert_string_equal(vm->controllers[0].name, "apic");
    assert_string_equal(vm->controllers[1].name, "ioa0");
    assert_int_equal(vm->nintrs, 2);
    assert_int_equal(vm->intrs[0].line, 0); /* sorted by line */
    assert_string_equal(vm->intrs[0].user, "vdev timer8254");
    assert_int_equal(vm->intrs[1].line, 4);
    run_free(r);
}

static void test_duplicate_line_names_both(void **state)
{
    (void)state;
    assert_refuses("vdev ioapic name ioa0\n"
                   "vdev ser8250 intr ioa0:4\n"
                   "vdev ser8250 loc 0x2f8 intr ioa0:4\n",
                   "t.qvmconf:3:29: error: interrupt ioa0:4 is already used by vdev ser8250 at "
                   "t.qvmconf:2:19\n");
    assert_accepts("vdev ioapic name ioa0 vdev ser8250 intr ioa0:4 vdev ser8250 loc 0x2f8 intr "
                   "ioa0:3");
}

static void test_interrupt_errors(void **state)
{
    (void)state;
    assert_refuses("vdev ioapic\nvdev ser8250 intr ioapc:4",
                   "t.qvmconf:2:19: error: unknown interrupt controller 'ioapc'; did you mean "
                   "'ioapic'?\n");
    assert_refuses("vdev ioapic\nvdev ser8250 intr ioapic:24",
                   "t.qvmconf:2:19: error: line 24 is out of range for ioapic: lines 0 to 23\n");
    assert_refuses("vdev ser8250 intr apic",
                   "t.qvmconf:1:19: error: only interrupt controllers connect to the local APIC; "
                   "give a line of an ioapic or 8259 (CONTROLLER:LINE)\n");
    assert_refuses("vdev ioapic intr apic:2", "t.qvmconf:1:18: error: the local APIC takes no "
                                              "line number: write 'intr apic'\n");
    assert_refuses("vdev ioapic name i0 vdev ioapic loc 0xfec01000 intr i0:1",
                   "t.qvmconf:1:53: error: an interrupt controller connects to the local APIC: "
                   "write 'intr apic'\n");
    assert_refuses("vdev ioapic name a:b", "t.qvmconf:1:6: error: interrupt controller name 'a:b' "
                                           "may not contain ':'\n");
    assert_refuses("vdev ioapic\nvdev ioapic loc 0xfec01000",
                   "t.qvmconf:2:6: error: interrupt controller name 'ioapic' is already used by "
                   "the controller at t.qvmconf:1:6\n");
    assert_refuses("vdev ser8250 intr ioa0:",
                   "t.qvmconf:1:24: error: interrupt line: expected a number\n");
}

static void test_automatic_lines_avoid_used_and_reserved(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic\n"
                             "reserve intr 16 intr ioapic:17\n"
                             "vdev virtio-blk hostdev tiny.bin\n"
                             "vdev virtio-entropy intr ioapic:18\n"
                             "vdev virtio-console\n"
                             "vdev virtio-entropy name e2 intr ioapic\n");
    assert_true(r->ok);
    const struct vdev_spec *v = r->f.vm.vdevs;
    assert_int_equal(v[1].intr[0].line, 19);
    assert_int_equal(v[2].intr[0].line, 18);
    assert_int_equal(v[3].intr[0].line, 20);
    assert_int_equal(v[4].intr[0].line, 21);
    run_free(r);
}

static void test_no_free_line(void **state)
{
    (void)state;
    assert_refuses("vdev 8259 loc 0x20\nreserve intr 5 intr 3 intr 4 intr 7\nvdev virtio-entropy",
                   "t.qvmconf:3:6: error: no free line left on interrupt controller '8259' for "
                   "vdev virtio-entropy\n");
}

static void test_pci_without_controller_has_no_line(void **state)
{
    (void)state;
    struct run *r = run_text("vdev virtio-entropy");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.vdevs[0].nintr, 0); /* MSI only */
    assert_int_equal(r->f.vm.vdevs[0].loc.dev, 1);
    run_free(r);
}

static void test_hostvector_defaults(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic name i0\n"
                             "vdev ioapic name i1 loc 0xfec01000 hostvector 100\n"
                             "vdev ioapic name i2 loc 0xfec02000\n"
                             "pass intr i2:3\npass intr i1:3=7\n");
    assert_true(r->ok);
    const struct vm_spec *vm = &r->f.vm;
    assert_int_equal(vm->controllers[1].hostvector, 0);
    assert_int_equal(vm->controllers[2].hostvector, 100);
    assert_int_equal(vm->controllers[3].hostvector, 124); /* 100 + 24 lines */
    assert_int_equal(vm->passes[0].host_vector, 127);
    assert_int_equal(vm->passes[1].host_vector, 7);
    run_free(r);
    assert_refuses("vdev ser8250 hostvector 3",
                   "t.qvmconf:1:14: error: 'hostvector' is not an option of vdev ser8250\n");
}

static void test_pci_slots(void **state)
{
    (void)state;
    struct run *r = run_text("reserve loc pci:0:1\nvdev virtio-net loc pci:0:3\n"
                             "vdev virtio-entropy\nvdev virtio-console\nvdev virtio-entropy\n");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.vdevs[1].loc.dev, 2);
    assert_int_equal(r->f.vm.vdevs[2].loc.dev, 4);
    assert_int_equal(r->f.vm.vdevs[3].loc.dev, 5);
    run_free(r);
    assert_refuses("vdev virtio-net loc pci:0:3\nvdev virtio-entropy loc pci:0:3.0",
                   "t.qvmconf:2:6: error: PCI slot pci:0:3.0 is already used by vdev virtio-net "
                   "at t.qvmconf:1:6\n");
    assert_refuses("vdev virtio-net loc pci:1:3",
                   "t.qvmconf:1:6: error: PCI bus 1: kqvm has a single PCI bus, 0\n");
}

static void test_pass_loc(void **state)
{
    (void)state;
    struct run *r = run_text("pass loc 0xe6055400,0x050,rwn\n"
                             "pass loc io:0x300,8\n"
                             "pass loc mem:0x10000000,0x1000,rw,=0x20000000\n"
                             "pass loc 0x30000000,4k,r-w+x=file:tiny.bin@0x1000\n"
                             "pass loc pci:0:5.0=pci:0x8086/0x1234\n"
                             "pass loc pci:0x8086/0x5aa8\n");
    assert_true(r->ok);
    const struct pass_spec *p = r->f.vm.passes;
    assert_int_equal(p[0].loc.addr, 0xe6055400);
    assert_int_equal(p[0].length, 0x50);
    assert_int_equal(p[0].flags, PASS_R | PASS_W | PASS_NOCACHE);
    assert_int_equal(p[0].host_kind, PASS_HOST_SAME);
    assert_int_equal(p[1].loc.space, LOC_IO);
    assert_int_equal(p[1].length, 8);
    assert_int_equal(p[2].host_kind, PASS_HOST_MEM);
    assert_int_equal(p[2].host.addr, 0x20000000);
    assert_int_equal(p[3].flags, PASS_R | PASS_X);
    assert_int_equal(p[3].host_kind, PASS_HOST_FILE);
    assert_string_equal(p[3].host_path, FIXTURES "/tiny.bin");
    assert_int_equal(p[3].host_offset, 0x1000);
    assert_int_equal(p[4].loc.dev, 5);
    assert_int_equal(p[4].host.vid, 0x8086);
    assert_int_equal(p[5].loc.space, LOC_PCI_BDF); /* an automatic guest slot */
    assert_int_equal(p[5].loc.dev, 1);
    assert_int_equal(p[5].host.did, 0x5aa8);
    run_free(r);
}

static void test_pass_errors(void **state)
{
    (void)state;
    assert_refuses("pass loc 0x1000,4k,rwdx", "t.qvmconf:1:22: error: pass flag 'd': the DMA "
                                              "attributes (d, e, s, t) need QNX's SMMU manager, "
                                              "which kqvm does not have\n");
    assert_refuses("pass loc mem:0x2000,r=0x1000",
                   "t.qvmconf:1:10: error: pass loc mem:0x2000 needs a LENGTH (QNX does not "
                   "document a default): loc SPEC,LENGTH[,FLAGS][=HOST]\n");
    assert_refuses("pass loc 0x1000,4k,x", "t.qvmconf:1:10: error: pass flags: a region the "
                                           "guest cannot read is not possible with KVM (memory "
                                           "slots are always readable)\n");
    assert_refuses("pass loc 0x1000,4k,nc", "t.qvmconf:1:10: error: pass flags: n (uncached) "
                                            "and c (cached) exclude each other\n");
    /* several flag fields continue one another */
    struct run *r = run_text("pass loc 0xd0000000,4k,r,+x");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.passes[0].flags, PASS_R | PASS_X);
    run_free(r);
    assert_refuses("pass loc pci:8086/1234=pci:0:2",
                   "t.qvmconf:1:10: error: pass loc: the guest side is a slot, "
                   "pci:BUS:DEV[.FUNC]=HOST (pci:VID/DID alone passes that host device at an "
                   "automatic slot)\n");
    assert_refuses("pass loc io:0x300=io:0x400", "t.qvmconf:1:19: error: pass loc: I/O ports pass "
                                                 "through at the same numbers; remove "
                                                 "'=io:0x400'\n");
    assert_refuses("pass loc pci:1:0=pci:0:2.0", "t.qvmconf:1:10: error: pass loc: the guest PCI "
                                                 "bus must be 0 (kqvm has one bus)\n");
    assert_refuses("pass loc pci:0:3,4", "t.qvmconf:1:18: error: pass loc: a PCI device takes no "
                                         "length or flags\n");
    assert_refuses("pass loc 0x1000,4k=file:tiny.bin@0x10",
                   "t.qvmconf:1:34: error: pass loc: file offset 0x10 is not a multiple of 4 "
                   "KiB\n");
    assert_refuses("pass", "t.qvmconf:1:1: error: 'pass' expects 'loc SPEC' and/or 'intr INTR' "
                           "after it\n");
    assert_refuses("acpi pass loc 0x1000,4k",
                   "t.qvmconf:1:1: error: 'acpi pass' (typed data passed through from the host) "
                   "is not supported by kqvm; use 'acpi load FILE'\n");
    assert_refuses("ram 0,64m\npass loc 0x1000,4k",
                   "t.qvmconf:2:1: error: pass (mem 0x1000-0x1fff) overlaps ram (mem "
                   "0x0-0x3ffffff) at t.qvmconf:1:1\n");
}

static void test_pass_intr(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic\npass intr ioapic:7,u=99 pass intr ioapic:8,t");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.passes[0].intr.line, 7);
    assert_int_equal(r->f.vm.passes[0].intr_attr, PASS_INTR_UNMASK);
    assert_int_equal(r->f.vm.passes[0].host_vector, 99);
    assert_int_equal(r->f.vm.passes[1].intr_attr, PASS_INTR_THREAD);
    run_free(r);
    assert_refuses("vdev ioapic\npass intr ioapic:7,z", "t.qvmconf:2:20: error: unknown pass intr "
                                                        "attribute 'z' (attributes: u, t)\n");
    assert_refuses("vdev ioapic\npass intr ioapic", "t.qvmconf:2:11: error: pass intr ioapic needs "
                                                    "a line number: CONTROLLER:LINE\n");
    assert_refuses("vdev ioapic\nvdev ser8250 intr ioapic:4\npass intr ioapic:4",
                   "t.qvmconf:3:11: error: interrupt ioapic:4 is already used by vdev ser8250 at "
                   "t.qvmconf:2:19\n");
}

/* kqvm's host interrupt sources: uio, vfio, eventfd (a QNX vector stays a vector) */
static void test_pass_intr_sources(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic\npass intr ioapic:3=uio:2\n"
                             "pass intr ioapic:4,u=eventfd:10\n"
                             "pass intr ioapic:5=vfio:0000:00:04.0\n"
                             "pass intr ioapic:6,u=vfio:0000:00:04.0/1\n"
                             "pass intr ioapic:9\n");
    assert_true(r->ok);
    const struct pass_spec *p = r->f.vm.passes;
    assert_int_equal(p[0].irq_source, PASS_IRQ_UIO);
    assert_int_equal(p[0].irq_uio, 2);
    assert_int_equal(p[1].irq_source, PASS_IRQ_EVENTFD);
    assert_int_equal(p[1].irq_fd, 10);
    assert_int_equal(p[1].intr_attr, PASS_INTR_UNMASK);
    assert_int_equal(p[2].irq_source, PASS_IRQ_VFIO);
    assert_string_equal(p[2].irq_device, "0000:00:04.0");
    assert_int_equal(p[2].irq_index, 0);
    assert_int_equal(p[3].irq_index, 1); /* MSI: edge, so 'u' is allowed */
    assert_int_equal(p[4].irq_source, PASS_IRQ_VECTOR);
    assert_int_equal(p[4].host_vector, 9); /* hostvector 0 + line */
    run_free(r);
    assert_refuses("vdev ioapic\npass intr ioapic:3,u=uio:0",
                   "t.qvmconf:2:11: error: pass intr: 'u' unmasks the host source before the "
                   "guest's EOI, which only an edge-triggered source allows; a UIO interrupt is "
                   "level-triggered (remove 'u')\n");
    assert_refuses("vdev ioapic\npass intr ioapic:3,u=vfio:0000:00:04.0",
                   "t.qvmconf:2:11: error: pass intr: 'u' unmasks the host source before the "
                   "guest's EOI, which only an edge-triggered source allows; a PCI device's INTx "
                   "is level-triggered (remove 'u')\n");
    assert_refuses("vdev ioapic\npass intr ioapic:3=vfio:",
                   "t.qvmconf:2:20: error: pass intr: '=vfio:' needs a device: "
                   "=vfio:DEVICE[/INDEX] (DEVICE as in /sys/bus/pci/devices, e.g. "
                   "0000:01:00.0)\n");
    assert_refuses("vdev ioapic\npass intr ioapic:3=eventfd:x",
                   "t.qvmconf:2:28: error: invalid eventfd descriptor 'x': expected a digit, "
                   "found 'x'\n");
    assert_refuses("vdev ioapic\npass intr ioapic:3=uio:70000",
                   "t.qvmconf:2:24: error: UIO device 70000 is out of range (0 to 65535)\n");
}

/* The first ioapic's ISA lines are the 8259's too: one user per pair (but
 * for the HPET's legacy replacement of the PIT and the RTC). */
static void test_isa_line_pairs(void **state)
{
    (void)state;
    assert_refuses("vdev ioapic name a\nvdev 8259 loc 0x20\nvdev timer8254 intr a:0\n"
                   "vdev mc146818 intr 8259:0",
                   "t.qvmconf:4:20: error: 8259:0 and a:0 are one ISA line (kqvm wires the first "
                   "ioapic's lines 0-15 to the 8259's, as on a PC; line 0), already used by vdev "
                   "timer8254 at t.qvmconf:3:21\n");
    assert_accepts("vdev ioapic name a\nvdev 8259 loc 0x20\nvdev timer8254 intr 8259:0\n"
                   "vdev hpet intr a:0");
    /* a second ioapic's lines and line 16 up are no ISA lines */
    assert_accepts("vdev ioapic name a\nvdev ioapic name b loc 0xfec01000\nvdev 8259 loc 0x20\n"
                   "vdev timer8254 intr b:0\nvdev mc146818 intr 8259:0\n"
                   "vdev ser8250 intr a:17");
}

/* =uio:N[/MAP] maps a UIO device's memory */
static void test_pass_loc_uio(void **state)
{
    (void)state;
    struct run *r = run_text("pass loc 0xd0000000,4k=uio:1/2\npass loc 0xd0001000,4k=uio:3");
    assert_true(r->ok);
    const struct pass_spec *p = r->f.vm.passes;
    assert_int_equal(p[0].host_kind, PASS_HOST_UIO);
    assert_int_equal(p[0].uio, 1);
    assert_int_equal(p[0].uio_map, 2);
    assert_int_equal(p[1].uio, 3);
    assert_int_equal(p[1].uio_map, 0);
    run_free(r);
    assert_refuses("pass loc io:0x300,8=uio:0",
                   "t.qvmconf:1:10: error: pass loc: '=uio:' maps a UIO device's memory; it "
                   "needs a mem: location\n");
    assert_refuses("pass loc 0xd0000000,4k=uio:0/5",
                   "t.qvmconf:1:30: error: UIO map 5 is out of range (0 to 4)\n");
}

static void test_memory_map_sorted_with_owners(void **state)
{
    (void)state;
    struct run *r = run_text("vdev ioapic loc 0xf8000000\nram 0x100000,1m\nrom 0,64k\n"
                             "vdev ser8250\n");
    assert_true(r->ok);
    const struct vm_spec *vm = &r->f.vm;
    assert_int_equal(vm->nmap, 8);
    assert_int_equal(vm->map[0].base, 0);
    assert_string_equal(vm->map[0].owner, "rom");
    assert_int_equal(vm->map[1].base, 0x100000);
    assert_string_equal(vm->map[2].owner, "vdev ioapic");
    assert_string_equal(vm->map[3].owner, "local APIC");
    assert_string_equal(vm->map[4].owner, "KVM private pages (TSS, identity map)");
    assert_int_equal(vm->map[5].space, SPACE_IO);
    assert_string_equal(vm->map[5].owner, "vdev ser8250");
    assert_string_equal(vm->map[6].owner, "vdev acpi-pm");
    assert_int_equal(vm->map[7].base, 0x604);
    run_free(r);
}

static void test_vdev_regions_overlap(void **state)
{
    (void)state;
    assert_refuses("vdev ser8250 loc 0x3f8\nvdev ser8250 loc 0x3fc",
                   "t.qvmconf:2:6: error: vdev ser8250 (io 0x3fc-0x403) overlaps vdev ser8250 (io "
                   "0x3f8-0x3ff) at t.qvmconf:1:6\n");
    assert_refuses("ram 0xfec00000,4k\nvdev ioapic",
                   "t.qvmconf:2:6: error: vdev ioapic (mem 0xfec00000-0xfec00fff) overlaps ram "
                   "(mem 0xfec00000-0xfec00fff) at t.qvmconf:1:1\n");
    assert_refuses("ram 0xfee00000,4k",
                   "t.qvmconf:1:1: error: ram (mem 0xfee00000-0xfee00fff) overlaps local APIC "
                   "(mem 0xfee00000-0xfee00fff) at <implicit>:1:1\n");
}

static void test_names_and_hostvectors(void **state)
{
    (void)state;
    assert_refuses("vdev ser8250 name u\nvdev ser8250 loc 0x2f8 name u",
                   "t.qvmconf:2:29: error: vdev name 'u' is already used by vdev ser8250 (u) at "
                   "t.qvmconf:1:6\n");
    assert_refuses("vdev ioapic name a hostvector 4294967290",
                   "t.qvmconf:1:6: error: hostvector 4294967290: the 24 lines of a would number "
                   "past 4294967295\n");
    /* GIC lines are INTIDs: a forwarded SPI keeps its number by default */
    struct run *r = run_text("set arch arm64 pass intr gic:40");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.passes[0].host_vector, 40);
    run_free(r);
}

static void test_reserved_lines(void **state)
{
    (void)state;
    assert_refuses("set arch arm64 vdev gic version 2 msi 0x8020000,32,32\n"
                   "vdev pl011 loc 0x9000000 intr gic:40",
                   "t.qvmconf:2:31: error: line 40 of gic cannot be given to a device: it belongs "
                   "to the GICv2m MSI frame\n");
    struct run *r = run_text("set arch arm64 vdev gic version 2 msi 0x8020000,32,32\n"
                             "vdev virtio-entropy");
    assert_true(r->ok);
    assert_int_equal(r->f.vm.vdevs[1].intr[0].line, 64); /* past the frame's 32-63 */
    run_free(r);
    assert_refuses("vdev ioapic name a\nvdev timer8254 intr a:0\nvdev hpet intr a:0 legacy-free",
                   "t.qvmconf:3:16: error: interrupt a:0 is already used by vdev timer8254 at "
                   "t.qvmconf:2:21\n");
    assert_refuses("vdev ioapic\nvdev ser8250 intr ioapic",
                   "t.qvmconf:2:19: error: intr ioapic needs a line number: only PCI devices get "
                   "one assigned (intr ioapic:N)\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_location_forms),
        cmocka_unit_test(test_location_errors),
        cmocka_unit_test(test_interrupt_lines),
        cmocka_unit_test(test_duplicate_line_names_both),
        cmocka_unit_test(test_interrupt_errors),
        cmocka_unit_test(test_automatic_lines_avoid_used_and_reserved),
        cmocka_unit_test(test_no_free_line),
        cmocka_unit_test(test_pci_without_controller_has_no_line),
        cmocka_unit_test(test_hostvector_defaults),
        cmocka_unit_test(test_pci_slots),
        cmocka_unit_test(test_pass_loc),
        cmocka_unit_test(test_pass_errors),
        cmocka_unit_test(test_pass_intr),
        cmocka_unit_test(test_memory_map_sorted_with_owners),
        cmocka_unit_test(test_vdev_regions_overlap),
        cmocka_unit_test(test_names_and_hostvectors),
        cmocka_unit_test(test_reserved_lines),
        cmocka_unit_test(test_pass_intr_sources),
        cmocka_unit_test(test_pass_loc_uio),
        cmocka_unit_test(test_isa_line_pairs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
