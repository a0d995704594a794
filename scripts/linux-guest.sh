#!/bin/sh
# linux-guest.sh - the Linux guest of the tests, examples and benchmarks:
# Debian's cloud kernel and a busybox initramfs, cached under build/linux.
#
# Usage: scripts/linux-guest.sh [OUTDIR]        (OUTDIR defaults to build/linux)
#
# Fetches linux-image-*-cloud-amd64 (the package that linux-image-cloud-amd64
# depends on) and busybox-static with `apt-get download` (nothing is installed
# from them), and writes:
#   OUTDIR/bzImage          the kernel (boot/vmlinuz-* of the package)
#   OUTDIR/initramfs.cpio   busybox and an /init that mounts /proc, prints
#                           "KQVM-LINUX-MARKER cpus N" (the CPUs Linux brought
#                           up), shows /proc/interrupts and powers off, or
#                           reboots when the command line has kqvm.reboot.
# Running it again reuses what is there. Exit status 77: the packages cannot
# be downloaded (no network, no package lists); callers report skipped.
set -eu
cd "$(dirname "$0")/.."
OUT=${1:-build/linux}
mkdir -p "$OUT/dl"

unavailable() {
    echo "linux-guest.sh: $*" >&2
    exit 77
}

apt_updated=
download() { # download PACKAGE: its .deb into $OUT/dl, updating the lists once if needed
    ls "$OUT/dl/${1}"_*.deb >/dev/null 2>&1 && return 0
    echo "linux-guest.sh: apt-get download $1" >&2
    (cd "$OUT/dl" && apt-get download "$1" >download.log 2>&1) && return 0
    [ -z "$apt_updated" ] || return 1
    apt_updated=1
    apt-get update -qq >/dev/null 2>&1 || true
    (cd "$OUT/dl" && apt-get download "$1" >download.log 2>&1)
}

# The kernel: the real package behind the metapackage.
if [ ! -f "$OUT/bzImage" ]; then
    kpkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
    if [ -z "$kpkg" ]; then
        apt-get update -qq >/dev/null 2>&1 || true
        apt_updated=1
        kpkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
    fi
    [ -n "$kpkg" ] || unavailable "no linux-image-cloud-amd64 in the package lists"
    download "$kpkg" || unavailable "apt-get download $kpkg failed (see $OUT/dl/download.log)"
    rm -rf "$OUT/x"
    dpkg-deb -x "$(ls "$OUT/dl/${kpkg}"_*.deb | head -n 1)" "$OUT/x"
    cp "$(ls "$OUT"/x/boot/vmlinuz-* | head -n 1)" "$OUT/bzImage.new"
    echo "$kpkg" >"$OUT/kernel-package"
    mv "$OUT/bzImage.new" "$OUT/bzImage"
    rm -rf "$OUT/x"
fi

# The initramfs: busybox-static's binary and the init script, as a newc cpio.
if [ ! -f "$OUT/initramfs.cpio" ] || [ "$0" -nt "$OUT/initramfs.cpio" ]; then
    command -v cpio >/dev/null || apt-get install -y -qq cpio >/dev/null 2>&1 ||
        unavailable "cpio is missing and cannot be installed"
    download busybox-static || unavailable "apt-get download busybox-static failed"
    rm -rf "$OUT/x" "$OUT/root"
    dpkg-deb -x "$(ls "$OUT"/dl/busybox-static_*.deb | head -n 1)" "$OUT/x"
    mkdir -p "$OUT/root/bin" "$OUT/root/dev" "$OUT/root/proc" "$OUT/root/sys"
    cp "$OUT/x/bin/busybox" "$OUT/root/bin/busybox"
    ln -s busybox "$OUT/root/bin/sh"
    cat >"$OUT/root/init" <<'INIT'
#!/bin/sh
# kqvm's Linux test guest: prove the boot, show the interrupts, power off.
/bin/busybox mount -t proc proc /proc
echo "KQVM-LINUX-MARKER cpus $(/bin/busybox grep -c ^processor /proc/cpuinfo)"
/bin/busybox cat /proc/interrupts
if /bin/busybox grep -qw kqvm.reboot /proc/cmdline; then
    /bin/busybox reboot -f
fi
/bin/busybox poweroff -f
INIT
    chmod 755 "$OUT/root/init"
    (cd "$OUT/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$OUT/initramfs.cpio.new"
    mv "$OUT/initramfs.cpio.new" "$OUT/initramfs.cpio"
    rm -rf "$OUT/x" "$OUT/root"
fi
