#!/bin/sh
# Runs a kit guest under qemu-system-x86_64 (TCG), in the state kqvm's direct
# 64-bit entry gives it (docs/guest-abi.md): a 64 KiB -bios stub (stub.S)
# switches to long mode with the boot data mkboot.py wrote at 0x1000, and
# jumps to 0x100000 (the kit's entry point) with RDI = 0x8000. Serial on
# stdin/stdout; power-off through isa-debug-exit at io:0x604.
#
#   guests/qemu/run.sh [-m MIB] [-c NCPUS] [-a CMDLINE] [-r BASE,LEN]
#                      [-d ADDR,FILE] [-t SECONDS] ELF [-- QEMU-ARGS...]
#
# -r lists a ROM range in the memory map (qemu still backs it with RAM, so
# writes to it stick); -d loads FILE at ADDR (like kqvm's `data load`).
# Exit status, kqvm's where qemu can tell: 0 powered off, 3 reset or triple
# fault (qemu cannot tell those apart), 124 timeout, other: qemu failed.
# Not kqvm: no ser8250 quirks, unclaimed MMIO reads 0 under qemu, no ROM.
# Environment: QEMU_CPU (default qemu64), QEMU_MACHINE (default pc; q35 for
# an HPET whose timers can route to GSIs 16-23), MKBOOT_ARGS (more options
# for mkboot.py: --ioapic, --iso, --no-iso, --hpet, --no-pcat, ... for the
# ACPI tables, which describe qemu's PC by default).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${BUILD:-build}/guests/qemu
mem=64 ncpus=1 cmdline= roms= datas= tmo=60 has_cmdline=
while getopts m:c:a:r:d:t: o; do
    case $o in
    m) mem=$OPTARG ;;
    c) ncpus=$OPTARG ;;
    a) cmdline=$OPTARG has_cmdline=1 ;;
    r) roms="$roms --rom $OPTARG" ;;
    d) datas="$datas -device loader,file=${OPTARG#*,},addr=${OPTARG%%,*},force-raw=on" ;;
    t) tmo=$OPTARG ;;
    *) sed -n '8,9p' "$0" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '8,9p' "$0" >&2; exit 2; }
elf=$1
shift
[ "${1:-}" = "--" ] && shift

mkdir -p "$out"
if [ ! -f "$out/stub.bin" ] || [ "$here/stub.S" -nt "$out/stub.bin" ]; then
    gcc -c "$here/stub.S" -o "$out/stub.o"
    ld -Ttext=0xf0000 --oformat binary -o "$out/stub.bin" "$out/stub.o"
fi
boot=$out/boot.$$.bin
trap 'rm -f "$boot"' EXIT
# shellcheck disable=SC2086
python3 "$here/mkboot.py" "$boot" "$mem" "$ncpus" ${has_cmdline:+--cmdline "$cmdline"} $roms \
    ${MKBOOT_ARGS:-}

set +e
# shellcheck disable=SC2086
timeout "$tmo" qemu-system-x86_64 -M "${QEMU_MACHINE:-pc}" -accel tcg -cpu "${QEMU_CPU:-qemu64}" -m "$mem" \
    -smp "$ncpus" -display none -monitor none -serial stdio -no-reboot \
    -bios "$out/stub.bin" \
    -device loader,file="$boot",addr=0x1000,force-raw=on \
    -device loader,file="$elf" $datas \
    -device isa-debug-exit,iobase=0x604,iosize=2 "$@"
rc=$?
case $rc in
1) exit 0 ;;   # 0x2000 to io:0x604: (0x2000 << 1 | 1) & 0xff
0) exit 3 ;;   # -no-reboot: a reset or a triple fault ended qemu
*) exit $rc ;;
esac
