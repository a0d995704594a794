#!/bin/sh
# `make run`: boot CONFIG (default examples/demo.qvmconf) with kqvm. Where
# /dev/kvm works, kqvm runs here; otherwise in scripts/kvm-sandbox.sh's
# nested-KVM VM (QEMU/TCG with an emulated SVM CPU), which needs the
# configuration's files under examples/ or build/.
# Exit status: kqvm's.
config=${1:-examples/demo.qvmconf}
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    exec build/kqvm "@$config"
fi
echo "run-vm: no usable /dev/kvm here: running kqvm in the nested-KVM sandbox (QEMU/TCG)" >&2
stage=build/run-stage
rm -rf "$stage"
mkdir -p "$stage/build"
cp build/kqvm.static "$stage/kqvm"
cp -r examples "$stage/"
for d in build/guests build/linux; do
    [ -d "$d" ] && cp -r "$d" "$stage/build/"
done
case "$config" in
examples/* | build/*) ;;
*) cp "$config" "$stage/" && config=$(basename "$config") ;;
esac
exec scripts/kvm-sandbox.sh "$stage" -- ./kqvm "@$config"
