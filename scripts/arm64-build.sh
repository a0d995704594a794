#!/bin/sh
# The arm64 cross build: kqvm and the pass-through tests' device model
# (tests/pass/passmodel.c), both static, and the arm64 test guests, under
# build/arm64/. Installs the cross compiler when it is missing (Debian's
# gcc-aarch64-linux-gnu, libc6-dev-arm64-cross) and unpacks libfdt-dev:arm64
# (apt-get download; nothing of arm64 is installed on the host).
# Usage: scripts/arm64-build.sh [MAKE TARGETS...] (default: kqvm.static and
# the guests). Exit status 77 when the tools cannot be had, with the reason on
# the last line of stderr; otherwise make's.
out=build/arm64
sysroot=$out/sysroot
unavailable() {
    echo "arm64 cross build unavailable: $*" >&2
    exit 77
}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=""
for p in gcc-aarch64-linux-gnu libc6-dev-arm64-cross; do installed "$p" || missing="$missing $p"; done
if [ -n "$missing" ]; then
    echo "installing:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >/dev/null 2>&1
    $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 ||
        unavailable "cannot install$missing"
fi
if ! [ -f "$sysroot/usr/include/libfdt.h" ]; then
    dpkg --print-foreign-architectures | grep -qx arm64 || {
        $SUDO dpkg --add-architecture arm64 && $SUDO apt-get update -qq >/dev/null 2>&1
    } || unavailable "dpkg --add-architecture arm64 failed"
    dl=$out/dl
    rm -rf "$dl"
    mkdir -p "$dl"
    (cd "$dl" && apt-get download libfdt-dev:arm64 >/dev/null 2>&1) ||
        { $SUDO apt-get update -qq >/dev/null 2>&1 && (cd "$dl" && apt-get download libfdt-dev:arm64 >/dev/null 2>&1); } ||
        unavailable "apt-get download libfdt-dev:arm64 failed"
    dpkg-deb -x "$dl"/libfdt-dev_*.deb "$sysroot" || unavailable "cannot unpack libfdt-dev:arm64"
    rm -rf "$dl"
fi
[ $# -gt 0 ] || set -- "$out/kqvm.static" "$out/passmodel.static" arm64-guests
exec make --no-print-directory BUILD="$out" CC=aarch64-linux-gnu-gcc AR=aarch64-linux-gnu-ar \
    FDT_CPPFLAGS="-I$sysroot/usr/include" FDT_LDFLAGS="-L$sysroot/usr/lib/aarch64-linux-gnu" "$@"
