#!/usr/bin/env python3
"""Writes kqvm's boot data area (docs/guest-abi.md) for base B = 0x1000, as
kqvm would, so that guests can run under qemu before kqvm's runner exists.

    mkboot.py OUT MEM_MIB NCPUS [--cmdline TEXT] [--rom BASE,LEN]...
              [--ioapic ADDR[@GSIBASE][:ID]]... [--iso IRQ:GSI]... [--no-iso]
              [--hpet ADDR|none] [--hpet-id ID] [--no-pcat] [--no-acpi]

RAM in the memory map: 0-0x9ffff and 1 MiB up to MEM_MIB (at most 3.5 GiB,
qemu's PCI hole starts there), minus any --rom ranges, which are listed as
type 2 (reserved).

ACPI tables at B + 0x9000 (boot info rsdp), laid out as kqvm's: RSDP
revision 2 -> XSDT -> FADT (-> FACS, DSDT with \_S5), MADT, HPET. They
describe qemu's PC rather than a kqvm configuration: by default one I/O APIC
at 0xfec00000, GSI base 0, ID 0 (qemu's I/O APIC ID register after reset;
kqvm's MADT says ncpus + k), PCAT_COMPAT, the override qemu's PC needs
(ISA IRQ 0 -> GSI 2; kqvm has none), and the HPET at 0xfed00000 with
qemu's event timer block ID 0x8086a201."""
import argparse
import struct

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("mem_mib", type=int)
p.add_argument("ncpus", type=int)
p.add_argument("--cmdline")
p.add_argument("--rom", action="append", default=[])
p.add_argument("--ioapic", action="append", default=[])
p.add_argument("--iso", action="append", default=[])
p.add_argument("--no-iso", action="store_true")
p.add_argument("--hpet", default="0xfed00000")
p.add_argument("--hpet-id", default="0x8086a201")
p.add_argument("--no-pcat", action="store_true")
p.add_argument("--no-acpi", action="store_true")
a = p.parse_args()

B = 0x1000
area = bytearray(0xF000)


def put(off, data):
    area[off:off + len(data)] = data


# PML4 -> PDPT -> 4 page directories of 2 MiB pages, P|RW|US everywhere
put(0x0000, struct.pack("<Q", (B + 0x1000) | 7))
for i in range(4):
    put(0x1000 + 8 * i, struct.pack("<Q", (B + 0x2000 + 0x1000 * i) | 7))
for i in range(2048):
    put(0x2000 + 8 * i, struct.pack("<Q", (i << 21) | 0x87))
put(0x6000, struct.pack("<3Q", 0, 0x00AF9A000000FFFF, 0x00CF92000000FFFF))

roms = sorted(tuple(int(x, 0) for x in r.split(",")) for r in a.rom)
top = min(a.mem_mib << 20, 0xE0000000)
mem = [(0, 0xA0000, 1)]
start = 0x100000
for base, length in roms:
    if base > start:
        mem.append((start, min(base, top) - start, 1))
    mem.append((base, length, 2))
    start = max(start, base + length)
if top > start:
    mem.append((start, top - start, 1))

ACPI = 0x9000  # offset in the area; 8 KiB


def checksum(b):
    return (-sum(b)) & 0xFF


def sdt(sig, body, rev=1):
    h = struct.pack("<4sIBB6s8sIII", sig, 36 + len(body), rev, 0, b"KQVMQE",
                    b"KQVMQEMU", 1, 0x554D454B, 1)
    t = bytearray(h + body)
    t[9] = checksum(t)
    return bytes(t)


def gas(space, width, addr, access=0):
    return struct.pack("<BBBBQ", space, width, 0, access, addr)


rsdp_gpa = 0
if not a.no_acpi:
    tables = []  # (name, bytes) in area order after the RSDP and XSDT
    ioapics = []
    for k, spec in enumerate(a.ioapic or ["0xfec00000@0:0"]):
        ident = None
        if ":" in spec:
            spec, ident = spec.split(":")
        addr, _, gsi = spec.partition("@")
        ioapics.append((int(ident, 0) if ident is not None else a.ncpus + k,
                        int(addr, 0), int(gsi, 0) if gsi else 24 * k))
    isos = [] if a.no_iso else [tuple(int(x, 0) for x in i.split(":"))
                                for i in (a.iso or ["0:2"])]
    madt = struct.pack("<II", 0xFEE00000, 0 if a.no_pcat else 1)
    for c in range(a.ncpus):
        madt += struct.pack("<BBBBI", 0, 8, c, c, 1)
    for ident, addr, gsi in ioapics:
        madt += struct.pack("<BBBBII", 1, 12, ident, 0, addr, gsi)
    for irq, gsi in isos:
        madt += struct.pack("<BBBBIH", 2, 10, 0, irq, gsi, 0)
    madt += struct.pack("<BBBHB", 4, 6, 0xFF, 0, 1)  # LINT1 NMI, all processors
    # offsets: RSDP 0, XSDT 0x40, FACS 0x100, DSDT 0x140, FADT 0x200,
    # MADT 0x400, HPET 0x1000
    dsdt = sdt(b"DSDT", bytes([0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x06, 0x04,
                               0x00, 0x00, 0x00, 0x00]), rev=2)
    facs = struct.pack("<4sIIIIIQB", b"FACS", 64, 0, 0, 0, 0, 0, 2).ljust(64, b"\0")
    base = B + ACPI
    fadt = bytearray(276 - 36)

    def f(off, fmt, *v):
        struct.pack_into(fmt, fadt, off - 36, *v)
    f(36, "<I", base + 0x100)
    f(40, "<I", base + 0x140)
    f(56, "<I", 0x600)
    f(64, "<I", 0x604)
    f(88, "<BB", 4, 2)
    f(109, "<H", 0x0001)  # legacy devices; no 8042 (no pckeyboard here)
    f(112, "<I", (1 << 4) | (1 << 5))  # PWR_BUTTON, SLP_BUTTON (as controls absent)
    f(131, "<B", 0)
    f(132, "<Q", base + 0x100)
    f(140, "<Q", base + 0x140)
    fadt[148 - 36:160 - 36] = gas(1, 32, 0x600)
    fadt[172 - 36:184 - 36] = gas(1, 16, 0x604)
    fadt_t = sdt(b"FACP", bytes(fadt), rev=6)
    madt_t = sdt(b"APIC", madt, rev=5)
    entries = [base + 0x200, base + 0x400]
    hpet_t = None
    if a.hpet != "none":
        hpet_t = sdt(b"HPET", struct.pack("<I", int(a.hpet_id, 0)) +
                     gas(0, 64, int(a.hpet, 0)) + struct.pack("<BHB", 0, 0x80, 0))
        entries.append(base + 0x1000)
    xsdt_t = sdt(b"XSDT", b"".join(struct.pack("<Q", e) for e in entries))
    rsdp = bytearray(struct.pack("<8sB6sBIIQB3s", b"RSD PTR ", 0, b"KQVMQE", 2, 0,
                                 36, base + 0x40, 0, b"\0\0\0"))
    rsdp[8] = checksum(rsdp[:20])
    rsdp[32] = checksum(rsdp)
    assert len(madt_t) <= 0xC00
    put(ACPI, bytes(rsdp))
    put(ACPI + 0x40, xsdt_t)
    put(ACPI + 0x100, facs)
    put(ACPI + 0x140, dsdt)
    put(ACPI + 0x200, fadt_t)
    put(ACPI + 0x400, madt_t)
    if hpet_t:
        put(ACPI + 0x1000, hpet_t)
    rsdp_gpa = base

info = struct.pack("<IIIIQQ4Q", 0x4D56514B, 1, a.ncpus, len(mem),
                   B + 0x8000 if a.cmdline is not None else 0, B, rsdp_gpa, 0, 0, 0)
for base, length, kind in mem:
    info += struct.pack("<QQII", base, length, kind, 0)
put(0x7000, info)
if a.cmdline is not None:
    put(0x8000, a.cmdline.encode() + b"\0")
with open(a.out, "wb") as f:
    f.write(area)
