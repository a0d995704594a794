#!/bin/sh
# `make run`: boot CONFIG (default examples/demo.qvmconf) with kqvm. Where
# /dev/kvm works, kqvm runs here; otherwise in scripts/kvm-sandbox.sh's
# nested-KVM VM (QEMU/TCG with an emulated SVM CPU), which needs the
# configuration's files under examples/ or build/. A configuration that
# boots the Linux guest (build/linux) fetches it first (scripts/linux-guest.sh).
# Exit status: kqvm's.
config=${1:-examples/demo.qvmconf}
if grep -q 'build/linux/' "$config"; then
    scripts/linux-guest.sh || exit
fi
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    exec build/kqvm "@$config"
fi
echo "run-vm: no usable /dev/kvm here: running kqvm in the nested-KVM sandbox (QEMU/TCG)" >&2
stage=build/run-stage
rm -rf "$stage"
mkdir -p "$stage/build"
cp build/kqvm.static "$stage/kqvm"
cp -r examples "$stage/"
[ -d build/guests ] && cp -r build/guests "$stage/build/"
if [ -f build/linux/bzImage ]; then
    mkdir -p "$stage/build/linux"
    cp build/linux/bzImage build/linux/initramfs.cpio "$stage/build/linux/"
fi
case "$config" in
examples/* | build/*) ;;
*) cp "$config" "$stage/" && config=$(basename "$config") ;;
esac
# --smp 1: with two TCG vCPUs, QEMU's SVM sometimes delivers an injected
# interrupt twice, which deadlocks Linux guests (docs/architecture.md).
exec scripts/kvm-sandbox.sh --smp 1 "$stage" -- ./kqvm "@$config"
