#!/usr/bin/env python3
"""Writes kqvm's boot data area (docs/guest-abi.md) for base B = 0x1000, as
kqvm would, so that guests can run under qemu before kqvm's runner exists.

    mkboot.py OUT MEM_MIB NCPUS [--cmdline TEXT] [--rom BASE,LEN]...

RAM in the memory map: 0-0x9ffff and 1 MiB up to MEM_MIB (at most 3.5 GiB,
qemu's PCI hole starts there), minus any --rom ranges, which are listed as
type 2 (reserved)."""
import argparse
import struct

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("mem_mib", type=int)
p.add_argument("ncpus", type=int)
p.add_argument("--cmdline")
p.add_argument("--rom", action="append", default=[])
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

info = struct.pack("<IIIIQQ4Q", 0x4D56514B, 1, a.ncpus, len(mem),
                   B + 0x8000 if a.cmdline is not None else 0, B, 0, 0, 0, 0)
for base, length, kind in mem:
    info += struct.pack("<QQII", base, length, kind, 0)
put(0x7000, info)
if a.cmdline is not None:
    put(0x8000, a.cmdline.encode() + b"\0")
with open(a.out, "wb") as f:
    f.write(area)
