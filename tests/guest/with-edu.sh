#!/bin/sh
# run-with for the UIO tests: QEMU's edu device (PCI 1234:11e8, the sandbox
# adds it with -device edu) bound to uio_pci_generic as /dev/uio0, its BAR0
# reachable as /tmp/edu-bar0 (sysfs resource0, which can be mapped); then
# runs the command. Without the device: "KQVM-SKIP: ..." and status 77.
for d in /sys/bus/pci/devices/*; do
    [ "$(cat "$d/vendor" 2>/dev/null)" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ] && dev=$d
done
if [ -z "$dev" ]; then
    echo "KQVM-SKIP: no edu PCI device here (the QEMU sandbox adds one with -device edu)"
    exit 77
fi
if [ ! -e "$dev/uio" ]; then
    modprobe uio_pci_generic 2>/dev/null
    echo "1234 11e8" >/sys/bus/pci/drivers/uio_pci_generic/new_id 2>/dev/null
fi
uio=$(ls "$dev/uio" 2>/dev/null)
if [ "$uio" != uio0 ]; then
    echo "KQVM-SKIP: the edu device is not /dev/uio0 (uio_pci_generic: '$uio')"
    exit 77
fi
ln -sf "$dev/resource0" /tmp/edu-bar0
exec "$@"
