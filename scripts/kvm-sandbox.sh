#!/bin/bash
# kvm-sandbox.sh - run a command on a machine with a working /dev/kvm.
#
# Usage:
#   scripts/kvm-sandbox.sh [--arch x86_64|arm64] [--smp N] [--mem MiB] [--timeout SECONDS] [--cpu MODEL]
#                          DIR -- COMMAND [ARGS...]
#
# Runs COMMAND with ARGS, with DIR as the working directory, and exits with
# COMMAND's exit status. COMMAND is a program or script path relative to DIR (a
# bare NAME that exists in DIR runs as ./NAME; any other bare name is looked up
# in PATH, e.g. `env VAR=x ./prog` or `sh ./t.sh`). Its stdout and stderr, merged,
# appear on stdout line by line. Its stdin is /dev/null.
#
# - If the host's /dev/kvm opens read-write and KVM_GET_API_VERSION returns 12,
#   the command runs locally (cd DIR && timeout SECONDS COMMAND ARGS), without QEMU.
# - Otherwise it boots a Debian cloud kernel under QEMU/TCG with an emulated AMD
#   SVM CPU. Nested KVM works: kvm_amd works under TCG, VMX does not. DIR is copied
#   (recursively) into the initramfs at /work. Files the command writes there do
#   not come back: only the output and the exit status do. The guest loads
#   irqbypass, kvm (force_emulation_prefix=1, so that test guests can force KVM's
#   instruction emulator with "ud2; .ascii \"kvm\"") and kvm_amd. It mounts proc,
#   sysfs, devtmpfs, devpts, and a tmpfs on /tmp and on /dev/shm, and sets
#   /dev/kvm to mode 0666. It then runs the command as root with
#   PATH=/bin:/sbin:/usr/bin:/usr/sbin (every busybox applet: sh, cat, grep, sed,
#   awk, timeout, kill, sleep, mktemp, ...), HOME=/root, TMPDIR=/tmp and
#   KVM_SANDBOX=qemu. No host environment variable is passed in. Programs in DIR
#   must be static binaries or busybox sh scripts (/bin/sh is busybox).
#   With --arch arm64 the machine is QEMU's arm64 `virt` board instead
#   (virtualization=on, gic-version=3: the kernel starts at EL2 and KVM comes up
#   in VHE mode), booting Debian's cloud-arm64 kernel, whose KVM is built in (no
#   modules), with an arm64 busybox; programs in DIR must then be static arm64
#   binaries. Its console is the PL011 (ttyAMA0).
#   The exit status comes back as a marker line on the serial console:
#   "KVM-SANDBOX-EXIT-<random nonce> <status>". The marker, the firmware output
#   and the kernel's boot output are not printed. Kernel messages at emergency
#   level (panic, oops) do get through.
#   Force-emulation prefix, as tested: in a real-mode L2 guest, 0f 0b 6b 76 6d cc
#   (prefix + int3) is emulated, and the int3 is delivered through the IVT. In
#   64-bit mode KVM's emulator cannot do int3, so KVM_RUN returns
#   KVM_EXIT_INTERNAL_ERROR with suberror KVM_INTERNAL_ERROR_EMULATION (rip after
#   the prefix). The prefix followed by nop or out works in both modes.
#
# Options (defaults in brackets):
#   --arch A      the machine: x86_64 (QEMU q35, SVM) or arm64 (QEMU virt, EL2) [x86_64].
#                 The local mode below is used only on a host of that architecture.
#   --smp N       L1 guest vCPUs [2]. Nested KVM works with 1 and with 2. L2 vCPUs
#                 do not need L1 SMP, because KVM lets a VMM create more vCPUs than
#                 L1 has CPUs: 2 L2 vCPUs run on --smp 1 too, time-sliced by the L1
#                 scheduler (4 ms ticks). With 2, a VMM's threads and IPIs (vCPU
#                 kicks) behave as on real SMP hosts. --smp 1 boots about 0.3 s
#                 faster. With N > 1, QEMU runs all vCPUs in one TCG thread:
#                 multi-threaded TCG hangs the L1 kernel at random (see run_qemu).
#   --mem MiB     L1 guest memory [1024]. Memory size barely changes the boot time.
#   --timeout S   limit for the whole run, boot included [600]. Also applies in
#                 local mode.
#   --cpu MODEL   QEMU -cpu model [EPYC-Rome,+svm; arm64: max,pauth-impdef=on, without
#                 pauth-impdef=on QEMU's pointer authentication makes the arm64
#                 guest about 3 times slower]. On x86_64, "max" works as well (kvm_amd
#                 with nested paging, plus vGIF). It has the same VM exit cost
#                 and boots about 0.1 s slower. EPYC-Rome also looks like a real
#                 CPU (family 17h) to the L1 kernel and to L2 CPUID. QEMU's
#                 warnings about EPYC-Rome features that TCG lacks are hidden.
#
# Exit status: COMMAND's status, or
#   77   the sandbox is unavailable: qemu-system-x86 cannot be installed, the
#        kernel package cannot be downloaded, the KVM modules do not load, the
#        first boot fails. Callers report their tests as skipped.
#   124  the run hit --timeout (boot included).
#   125  sandbox failure: bad usage, QEMU died, kernel panic, no exit marker.
#   In each of these cases the reason is printed on stderr.
#
# Environment:
#   KVM_SANDBOX_MODE=auto|local|qemu   force local or QEMU mode [auto]
#   KVM_SANDBOX_CACHE=DIR              cache directory [<repo>/build/sandbox, or
#                                      <repo>/build/sandbox-arm64 with --arch arm64]
#   KVM_SANDBOX_GIC=2|3                arm64: the virt board's GIC version [3]
#   KVM_SANDBOX_DEBUG=1                copy the guest's boot console to stderr
#   KVM_SANDBOX_KERNEL_ARGS="..."      extra guest kernel arguments (loglevel=7 shows
#                                      kernel messages and init's progress)
#   KVM_SANDBOX_QEMU_ARGS="..."        extra QEMU arguments (split at spaces), e.g.
#                                      "-monitor unix:/tmp/mon.sock,server,nowait"
#   KVM_SANDBOX_TCG_THREAD=single|multi  override the TCG threading choice
#
# Dependencies: qemu-system-x86, busybox-static, cpio, and lz4 (optional: it
# unpacks the kernel for a faster PVH boot). For arm64: qemu-system-arm,
# busybox-static (its applet list), cpio; the arm64 kernel and busybox-static:arm64
# are fetched with `apt-get download` after `dpkg --add-architecture arm64`. Missing ones are installed quietly
# with apt-get (as root, or with sudo -n); `apt-get update` runs only if an
# install is needed. The kernel is the package that linux-image-cloud-amd64
# depends on. It is fetched with `apt-get download` and unpacked with dpkg-deb
# -x. The kernel and the prepared base initramfs (busybox, modules, /init) are
# cached in build/sandbox/ under the repository root. Each run only appends a
# cpio archive of DIR, because the kernel accepts concatenated archives. Delete
# build/sandbox/ to pick up a newer kernel. Parallel runs are safe: the first
# build is done under flock.
#
# Measured timings: Debian 12 host with 2 cores, QEMU 7.2 TCG, kernel
# 6.1.0-56-cloud-amd64, default options, wall clock. The values are medians of
# 8 runs on an idle host; another busy process on the host adds 0.5-2 s.
#   - From script start to the command's first output line: 2.3-2.45 s (best
#     2.2 s). With --smp 1: 2.05-2.35 s (best 1.9 s).
#   - Overhead per run (a whole run of `echo hi`): 2.4-2.6 s; with --smp 1,
#     2.2-2.5 s. Where the time goes:
#       the script before QEMU starts (copy DIR, cpio, initrd)       ~0.15 s
#       QEMU start, qboot and the PVH kernel entry                   ~0.25 s
#       kernel boot up to /init                                      1.4-1.75 s
#       insmod of irqbypass, kvm and kvm_amd (kvm.ko alone 0.37 s)   ~0.45 s
#       after the command: drain, marker, poweroff, cleanup          ~0.1 s
#     Already subtracted: crypto self-tests 0.3 s (cryptomgr.notests), SeaBIOS
#     0.1 s (qboot), kernel decompression 0.25 s (PVH vmlinux), and 0.1 s of
#     speculation mitigations.
#   - The first run on a machine takes about 10 s more: the 27 MB kernel .deb
#     download, unpacking, building the base initramfs and one self-test boot.
#     The first command took 13 s in all on an idle host (23 s on a busy one).
#   - Inside the sandbox: a VM exit to L1 userspace and back (OUT) takes 38-45 us
#     (about 25 000 a second; 38 us with --smp 1). A tight L2 loop runs at 600-900
#     M instructions/s. Creating and destroying a VM with one vCPU takes 56 ms
#     (43 ms with --smp 1). Console output gets out at about 80 KB/s (20 000
#     lines in 3 s).
set -euo pipefail

PROG=kvm-sandbox
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$SCRIPT_DIR")
BASE_FORMAT=1            # bump when the layout of the base initramfs changes

ARCH=x86_64
SMP=2
MEM=1024
TIMEOUT=600
CPU=

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { # die STATUS MESSAGE...
	local st=$1
	shift
	say "$*"
	exit "$st"
}
unavailable() { die 77 "sandbox unavailable: $*"; }
usage() {
	# the header comment, up to the measured timings
	sed -n '2,/^# Measured timings/{/^# Measured timings/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
	exit 0
}

# ------------------------------------------------------------------ arguments
while [ $# -gt 0 ]; do
	case $1 in
	--arch | --smp | --mem | --timeout | --cpu)
		[ $# -ge 2 ] || die 125 "$1 needs a value"
		opt=${1#--} val=$2
		shift 2
		;;
	--arch=* | --smp=* | --mem=* | --timeout=* | --cpu=*)
		opt=${1%%=*} opt=${opt#--} val=${1#*=}
		shift
		;;
	-h | --help) usage ;;
	--) die 125 "missing DIR before --" ;;
	-*) die 125 "unknown option $1 (see --help)" ;;
	*) break ;;
	esac
	case $opt in
	arch) ARCH=$val ;;
	smp) SMP=$val ;;
	mem) MEM=$val ;;
	timeout) TIMEOUT=$val ;;
	cpu) CPU=$val ;;
	esac
	if [ "$opt" != cpu ] && [ "$opt" != arch ] && ! [[ $val =~ ^[1-9][0-9]*$ ]]; then
		die 125 "--$opt needs a positive integer, not '$val'"
	fi
done
[ $# -ge 3 ] && [ "$2" = -- ] || die 125 "usage: $0 [--arch A] [--smp N] [--mem MiB] [--timeout S] [--cpu MODEL] DIR -- COMMAND [ARGS...]"
# What differs between the two machines; everything else is shared.
case $ARCH in
x86_64 | amd64)
	ARCH=x86_64
	DEFAULT_CPU=EPYC-Rome,+svm
	QEMU=qemu-system-x86_64 QEMU_PKG=qemu-system-x86
	# the modules loaded (with what they need): KVM, and UIO's PCI driver for
	# the pass-through tests (QEMU's edu device, -device edu)
	KERNEL_META=linux-image-cloud-amd64 KMODULES="kvm_amd uio_pci_generic"
	HOST_MACHINE=x86_64
	CACHE=${KVM_SANDBOX_CACHE:-$REPO_ROOT/build/sandbox}
	;;
arm64 | aarch64)
	ARCH=arm64
	DEFAULT_CPU=max,pauth-impdef=on
	QEMU=qemu-system-aarch64 QEMU_PKG=qemu-system-arm
	KERNEL_META=linux-image-cloud-arm64:arm64 KMODULES= # CONFIG_KVM=y
	HOST_MACHINE=aarch64
	CACHE=${KVM_SANDBOX_CACHE:-$REPO_ROOT/build/sandbox-arm64}
	;;
*) die 125 "--arch must be x86_64 or arm64, not '$ARCH'" ;;
esac
CPU=${CPU:-$DEFAULT_CPU}
DIR=$1
shift 2
[ -d "$DIR" ] || die 125 "$DIR is not a directory"
CMD=$1
shift
# a bare name that exists in DIR means the file in DIR
if [[ $CMD != */* ]] && [ -e "$DIR/$CMD" ]; then CMD=./$CMD; fi

# ------------------------------------------------------------------ local /dev/kvm
host_kvm_works() {
	[ "$(uname -m)" = "$HOST_MACHINE" ] || return 1
	[ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	# KVM_GET_API_VERSION = _IO(0xAE, 0x00); perl's ioctl returns the value
	perl -e 'open(my $f, "+<", "/dev/kvm") or exit 1;
		my $v = ioctl($f, 0xAE00, 0); exit((defined $v && $v == 12) ? 0 : 1)' 2>/dev/null
}

MODE=${KVM_SANDBOX_MODE:-auto}
case $MODE in
auto) if host_kvm_works; then MODE=local; else MODE=qemu; fi ;;
local | qemu) ;;
*) die 125 "KVM_SANDBOX_MODE must be auto, local or qemu" ;;
esac
if [ "$MODE" = local ]; then
	cd "$DIR"
	exec timeout -k 10 "$TIMEOUT" "$CMD" "$@" </dev/null 2>&1
fi

# ------------------------------------------------------------------ dependencies
SUDO=()
run_root() { "${SUDO[@]}" "$@"; }
apt_updated=
apt_install() { # apt_install PKG... (quietly; returns non-zero on failure)
	if [ "$(id -u)" -ne 0 ]; then
		sudo -n true 2>/dev/null || { say "need root (or password-less sudo) to install: $*"; return 1; }
		SUDO=(sudo -n)
	fi
	local log=$CACHE/apt.log
	say "installing $* (apt-get; log in $log)"
	export DEBIAN_FRONTEND=noninteractive
	if [ -z "$apt_updated" ]; then
		run_root apt-get update -qq >"$log" 2>&1 || true
		apt_updated=1
	fi
	run_root apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "$@" >>"$log" 2>&1 || {
		tail -n 5 "$log" >&2
		return 1
	}
}
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

ensure_qemu() {
	command -v "$QEMU" >/dev/null && return 0
	apt_install "$QEMU_PKG" && command -v "$QEMU" >/dev/null ||
		unavailable "$QEMU is missing and package $QEMU_PKG could not be installed"
}

# Tools needed only to build the cache (busybox-static, cpio, lz4 is optional).
ensure_build_tools() {
	local missing=()
	pkg_installed busybox-static || missing+=(busybox-static)
	command -v cpio >/dev/null || missing+=(cpio)
	if [ ${#missing[@]} -gt 0 ]; then
		apt_install "${missing[@]}" || unavailable "cannot install ${missing[*]}"
	fi
	[ "$ARCH" = x86_64 ] || return 0
	command -v lz4 >/dev/null || apt_install lz4 || say "lz4 not available: booting the compressed kernel (slower)"
}

# arm64 packages come from the arm64 package lists (apt-get download only:
# nothing of arm64 is installed on the host).
ensure_foreign_arch() {
	[ "$ARCH" = arm64 ] || return 0
	dpkg --print-foreign-architectures | grep -qx arm64 && return 0
	say "adding the arm64 package lists (dpkg --add-architecture arm64)"
	run_root dpkg --add-architecture arm64 || unavailable "dpkg --add-architecture arm64 failed"
	apt_updated=
	apt_update_once || true
}

# The target's busybox: the host's (x86_64), or busybox-static:arm64 unpacked.
BUSYBOX=/bin/busybox
prepare_busybox() {
	[ "$ARCH" = arm64 ] || return 0
	BUSYBOX=$CACHE/busybox
	[ -f "$BUSYBOX" ] && return 0
	local d=$CACHE/bb.tmp deb
	rm -rf "$d"
	mkdir -p "$d"
	(cd "$d" && apt-get download busybox-static:arm64 >"$CACHE/download.log" 2>&1) ||
		{ apt_update_once && (cd "$d" && apt-get download busybox-static:arm64 >"$CACHE/download.log" 2>&1); } ||
		unavailable "apt-get download busybox-static:arm64 failed"
	deb=$(ls "$d"/busybox-static_*.deb | head -n 1)
	dpkg-deb -x "$deb" "$d/x" && [ -f "$d/x/bin/busybox" ] || unavailable "$deb has no bin/busybox"
	cp "$d/x/bin/busybox" "$BUSYBOX.new"
	mv "$BUSYBOX.new" "$BUSYBOX"
	rm -rf "$d"
}

# ------------------------------------------------------------------ kernel
KDIR=$CACHE/kernel       # vmlinuz, vmlinux (if unpacked), config, modules/, modules.order, package

module_deps() { # module_deps FILE -> the depends= list, comma separated
	case $1 in
	*.ko.xz) xz -dc "$1" ;;
	*.ko.zst) zstd -qdc "$1" ;;
	*.ko.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac | tr '\0' '\n' | sed -n 's/^depends=//p' | head -n 1
}

apt_update_once() { # refresh the package lists, at most once per run
	[ -n "$apt_updated" ] && return 1
	apt_updated=1
	if [ "$(id -u)" -eq 0 ]; then apt-get update -qq >/dev/null 2>&1 || true
	elif sudo -n true 2>/dev/null; then sudo -n apt-get update -qq >/dev/null 2>&1 || true
	else return 1; fi
}

prepare_kernel() {
	[ -f "$KDIR/ok" ] && [ "$(cat "$KDIR/ok")" = "$KMODULES" ] && return 0
	local meta=$KERNEL_META kpkg="" deb="" try
	mkdir -p "$CACHE/dl"
	# Resolve the real package behind the metapackage and download it. With no
	# package lists, or stale ones (a superseded version), update them and retry.
	for try in 1 2; do
		kpkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
		if [ -n "$kpkg" ]; then
			deb=$(ls "$CACHE/dl/${kpkg%:*}"_*.deb 2>/dev/null | head -n 1 || true)
			[ -n "$deb" ] && break
			say "downloading $kpkg (apt-get download, about 27 MB)"
			if (cd "$CACHE/dl" && apt-get download "$kpkg" >"$CACHE/download.log" 2>&1); then
				deb=$(ls "$CACHE/dl/${kpkg%:*}"_*.deb 2>/dev/null | head -n 1 || true)
				[ -n "$deb" ] && break
			fi
		fi
		[ "$try" = 1 ] && apt_update_once || break
	done
	[ -n "$kpkg" ] || unavailable "cannot resolve the kernel package behind $meta (apt-cache depends $meta)"
	if [ -z "$deb" ]; then
		tail -n 5 "$CACHE/download.log" >&2 2>/dev/null || true
		unavailable "apt-get download $kpkg failed"
	fi

	local x=$CACHE/kernel.tmp
	rm -rf "$x" "$KDIR.new"
	mkdir -p "$x" "$KDIR.new/modules"
	dpkg-deb -x "$deb" "$x" || unavailable "dpkg-deb -x $deb failed"
	local kver
	kver=$(ls "$x/lib/modules" | head -n 1)
	[ -n "$kver" ] && [ -f "$x/boot/vmlinuz-$kver" ] || unavailable "$deb has no kernel image"
	cp "$x/boot/vmlinuz-$kver" "$KDIR.new/vmlinuz"
	cp "$x/boot/config-$kver" "$KDIR.new/config"

	# kvm-amd and what it depends on (from each module's .modinfo depends=), in load order
	declare -A path=() seen=()
	local f n order=()
	while IFS= read -r f; do
		n=${f##*/}
		n=${n%%.ko*}
		path[${n//-/_}]=$f
	done < <(find "$x/lib/modules/$kver/kernel" -name '*.ko*')
	visit() {
		local m=${1//-/_} d
		[ -n "${seen[$m]:-}" ] && return 0
		[ -n "${path[$m]:-}" ] || unavailable "module $m not found in $kpkg"
		seen[$m]=1
		for d in $(module_deps "${path[$m]}" | tr ',' ' '); do visit "$d"; done
		order+=("$m")
	}
	for n in $KMODULES; do visit "$n"; done
	for n in "${order[@]}"; do
		f=${path[$n]}
		case $f in
		*.ko.xz) xz -dc "$f" ;;
		*.ko.zst) zstd -qdc "$f" ;;
		*.ko.gz) gzip -dc "$f" ;;
		*) cat "$f" ;;
		esac >"$KDIR.new/modules/$n.ko"
	done
	printf '%s\n' "${order[@]}" | sed '/^$/d' >"$KDIR.new/modules.order"

	# Uncompressed vmlinux for QEMU's PVH entry: saves the in-guest decompression
	# (about 0.25 s a boot). Only for LZ4 kernels (Debian's); the boot self-test
	# falls back to vmlinuz if it does not work.
	if grep -q '^CONFIG_PVH=y' "$KDIR.new/config" && grep -q '^CONFIG_KERNEL_LZ4=y' "$KDIR.new/config" &&
		command -v lz4 >/dev/null; then
		local off
		off=$(grep -abo -m 1 $'\x02\x21\x4c\x18' "$KDIR.new/vmlinuz" | head -n 1 | cut -d: -f1 || true)
		if [ -n "$off" ]; then
			tail -c +"$((off + 1))" "$KDIR.new/vmlinuz" | lz4 -dc >"$KDIR.new/vmlinux" 2>/dev/null || true
			[ "$(head -c 4 "$KDIR.new/vmlinux" 2>/dev/null)" = $'\x7fELF' ] || rm -f "$KDIR.new/vmlinux"
		fi
	fi
	echo "$kpkg" >"$KDIR.new/package"
	echo "$KMODULES" >"$KDIR.new/ok"
	rm -rf "$x" "$KDIR"
	mv "$KDIR.new" "$KDIR"
}

# ------------------------------------------------------------------ base initramfs
# /init of the guest. Per-run settings come from /sandbox/run.conf (NONCE) and
# /sandbox/cmd (the command, shell-quoted), appended by each run.
make_init() {
	cat <<'EOF'
#!/bin/sh
# kvm-sandbox guest init (PID 1: must never exit)
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TMPDIR=/tmp KVM_SANDBOX=qemu
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p /dev/pts /dev/shm
mount -t devpts -o ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
. /sandbox/run.conf
# wait until the console has sent everything (busybox stty applies a setting
# with tcsetattr(TCSADRAIN), which waits for the output to drain)
drain() { stty onlcr </dev/console 2>/dev/null; }
fail() {
	drain
	echo "KVM-SANDBOX-FAIL-$NONCE $*"
	drain
	poweroff -f
	sleep 100
}
for m in $(cat /lib/modules/modules.order); do
	p=
	[ "$m" = kvm ] && p=force_emulation_prefix=1
	err=$(insmod "/lib/modules/$m.ko" $p 2>&1) || fail 77 "insmod $m.ko${p:+ $p} failed: $err; $(dmesg | grep -i -E 'kvm|svm' | tail -n 3 | tr '\n' ' ')"
done
[ -c /dev/kvm ] || fail 77 "no /dev/kvm after loading the KVM modules: $(dmesg | grep -i -E 'kvm|svm' | tail -n 3 | tr '\n' ' ')"
chmod 0666 /dev/kvm
echo "KVM-SANDBOX-START-$NONCE"
log() { echo "kvm-sandbox: $*" >/dev/kmsg; }
log "running the command"
sh /sandbox/cmd </dev/null >/dev/console 2>&1
st=$?
log "command exited with status $st"
drain
log "console drained"
echo "KVM-SANDBOX-EXIT-$NONCE $st"
drain
log "powering off"
poweroff -f
sleep 100
EOF
}

build_base() { # build_base KEY
	local st=$CACHE/base.tmp a
	rm -rf "$st"
	mkdir -p "$st"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc,work,sandbox,lib/modules}
	cp "$BUSYBOX" "$st/bin/busybox"
	# the applet list from the host's busybox-static (the same Debian version)
	for a in $(/bin/busybox --list-full); do
		[ -e "$st/$a" ] || ln -s /bin/busybox "$st/$a"
	done
	[ -e "$st/bin/sh" ] || ln -s busybox "$st/bin/sh"
	cp "$KDIR/modules.order" "$st/lib/modules/"
	[ -z "$KMODULES" ] || cp "$KDIR"/modules/*.ko "$st/lib/modules/"
	make_init >"$st/init"
	chmod 755 "$st/init"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$st/etc/passwd"
	printf 'root:x:0:\n' >"$st/etc/group"
	(cd "$st" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$CACHE/base.cpio.new"
	mv "$CACHE/base.cpio.new" "$CACHE/base.cpio"
	echo "$1" >"$CACHE/base.key"
	rm -rf "$st" "$CACHE/boot.conf"
}

base_key() { # what the cached base.cpio must have been built from
	local pkg="" init
	[ -f "$KDIR/package" ] && pkg=$(<"$KDIR/package")
	init=$(make_init | md5sum)
	echo "$BASE_FORMAT $pkg $(stat -c '%s-%Y' "$BUSYBOX" 2>/dev/null) ${init%% *} $KMODULES"
}

# ------------------------------------------------------------------ running QEMU
# Kernel command line: quiet console; panic -> reboot -> QEMU exits (-no-reboot);
# no crypto self-tests (about 0.3 s a boot); probe one UART only; no speculation
# mitigations (about 0.1 s a boot and 5% per KVM exit under TCG: a test sandbox
# has nothing to protect); trust the TSC (clocksource tsc instead of HPET MMIO,
# which TCG emulates slowly; also lets L1 KVM give L2 a stable kvmclock).
APPEND="quiet loglevel=0 panic=-1 rdinit=/init cryptomgr.notests=1 mitigations=off"
if [ "$ARCH" = x86_64 ]; then
	APPEND+=" console=ttyS0 8250.nr_uarts=1 tsc=reliable"
else
	APPEND+=" console=ttyAMA0"
fi
APPEND+=${KVM_SANDBOX_KERNEL_ARGS:+ $KVM_SANDBOX_KERNEL_ARGS}

# run_qemu KERNEL INITRD NONCE TIMEOUT OUTDIR -> sets RUN_RESULT (EXIT n | FAIL n msg | EOF),
# RUN_QEMU_STATUS; command output goes to stdout.
run_qemu() {
	local kernel=$1 initrd=$2 nonce=$3 limit=$4 out=$5
	local bios=() thread=multi
	[ -f /usr/share/qemu/qboot.rom ] && bios=(-bios /usr/share/qemu/qboot.rom)
	# Multi-threaded TCG with more than one vCPU is unreliable here (QEMU 7.2):
	# when KVM creates or destroys a VM, the L1 kernel live-patches its own text
	# (static keys, int3-based text_poke); another vCPU can keep executing a
	# stale translation of the temporary int3 and loop on it forever. Seen in
	# about 1 in 40 runs that create one VM, and within a few hundred VM
	# creations. One TCG thread for all vCPUs avoids it.
	# (arm64 patches kernel text under stop_machine, which multi-threaded TCG survives)
	[ "$SMP" -gt 1 ] && [ "$ARCH" = x86_64 ] && thread=single
	thread=${KVM_SANDBOX_TCG_THREAD:-$thread}
	local machine=(-M q35,sata=off,smbus=off)
	if [ "$ARCH" = arm64 ]; then
		bios=()
		machine=(-M "virt,virtualization=on,gic-version=${KVM_SANDBOX_GIC:-3}")
	fi
	rm -f "$out/fifo" "$out/result"
	mkfifo "$out/fifo" || die 125 "mkfifo $out/fifo failed"
	# shellcheck disable=SC2086 # KVM_SANDBOX_QEMU_ARGS is split at spaces on purpose
	timeout -k 5 "$limit" "$QEMU" \
		-nodefaults -no-user-config -display none -no-reboot \
		-accel "tcg,thread=$thread" "${machine[@]}" -cpu "$CPU" -smp "$SMP" -m "$MEM" \
		"${bios[@]}" -serial stdio ${KVM_SANDBOX_QEMU_ARGS:-} \
		-kernel "$kernel" -initrd "$initrd" -append "$APPEND" \
		</dev/null >"$out/fifo" 2>"$out/qemu.err" &
	QPID=$!
	# Console filter: drop everything up to the start marker (firmware, kernel),
	# turn \r\n into \n, print the command's output, stop at the exit marker.
	perl -e '
		use strict; $| = 1;
		my ($nonce, $resf, $logf, $debug) = @ARGV;
		open(my $log, ">", $logf) or die;
		my $started = 0; my $res = "EOF";
		while (my $l = <STDIN>) {
			$l =~ s/\r+\n\z/\n/;
			if (!$started) {
				print $log $l; print STDERR $l if $debug;
				if ($l =~ /KVM-SANDBOX-START-\Q$nonce\E\n/) { $started = 1; print $log "[started]\n"; }
				elsif ($l =~ /KVM-SANDBOX-FAIL-\Q$nonce\E (\d+) (.*)/) { $res = "FAIL $1 $2"; last; }
				next;
			}
			my $i = index($l, "KVM-SANDBOX-EXIT-$nonce ");
			if ($i >= 0) {
				print substr($l, 0, $i);
				$res = "EXIT " . (substr($l, $i) =~ /^\S+ (\d+)/ ? $1 : 125);
				last;
			}
			print $l;
		}
		$res = "EOF started" if $res eq "EOF" && $started;
		open(my $r, ">", $resf) or die; print $r "$res\n"; close $r;
	' "$nonce" "$out/result" "$out/console.log" "${KVM_SANDBOX_DEBUG:-}" <"$out/fifo" &
	FPID=$!
	# (a background job and `wait`, so that INT/TERM traps run at once)
	wait "$FPID" || true
	FPID=
	RUN_RESULT=EOF
	[ -s "$out/result" ] && RUN_RESULT=$(<"$out/result")
	# QEMU powers off right after the marker; give it a moment, then stop it.
	local i
	for ((i = 0; i < 50; i++)); do
		kill -0 "$QPID" 2>/dev/null || break
		sleep 0.1
	done
	kill "$QPID" 2>/dev/null || true
	RUN_QEMU_STATUS=0
	wait "$QPID" || RUN_QEMU_STATUS=$?
	QPID=
}

shq() { REPLY="'${1//\'/\'\\\'\'}'"; } # single-quote for sh

# make_run_cpio STAGEDIR NONCE CMD [ARGS...] -> cpio archive on stdout
make_run_cpio() {
	local st=$1 nonce=$2 line="exec" a
	shift 2
	for a in "$@"; do
		shq "$a"
		line+=" $REPLY"
	done
	mkdir -p "$st/sandbox"
	printf 'NONCE=%s\n' "$nonce" >"$st/sandbox/run.conf"
	printf 'cd /work || exit 125\n%s\n' "$line" >"$st/sandbox/cmd"
	(cd "$st" && find . -mindepth 1 | cpio -o -H newc -R 0:0 --quiet)
}

new_nonce() {
	if [ -n "${SRANDOM:-}" ]; then # bash >= 5.1
		printf '%08x%08x%08x' "$SRANDOM" "$SRANDOM" "$SRANDOM"
	else
		od -An -N12 -tx4 /dev/urandom | tr -d ' \n'
	fi
}

# Boot once with `true` to check that everything works, and pick the kernel
# image (vmlinux via PVH if it boots, else vmlinuz).
selftest() {
	local k nonce tmp last=""
	# with the default machine, whatever this run's options are
	local SMP=1 MEM=512 CPU=$DEFAULT_CPU
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvm-sandbox-selftest.XXXXXX")
	TMP=$tmp
	for k in vmlinux vmlinuz; do
		[ -f "$KDIR/$k" ] || continue
		nonce=$(new_nonce)
		mkdir -p "$tmp/st/work"
		{ cat "$CACHE/base.cpio"; make_run_cpio "$tmp/st" "$nonce" true; } >"$tmp/initrd"
		run_qemu "$KDIR/$k" "$tmp/initrd" "$nonce" 120 "$tmp" >/dev/null
		case $RUN_RESULT in
		"EXIT 0")
			echo "BOOT_KERNEL=$k" >"$CACHE/boot.conf"
			rm -rf "$tmp"
			TMP=
			return 0
			;;
		"FAIL 77 "*)
			rm -rf "$tmp"
			unavailable "${RUN_RESULT#FAIL 77 }"
			;;
		esac
		last="$k: $RUN_RESULT (qemu status $RUN_QEMU_STATUS): $(tail -n 3 "$tmp/console.log" "$tmp/qemu.err" 2>/dev/null | tr '\n' ' ')"
		say "self-test boot with $k failed: $last"
	done
	rm -rf "$tmp"
	unavailable "the sandbox self-test boot failed: $last"
}

cache_ready() { # cache_ready KEY: kernel, base initramfs for KEY and boot.conf present
	[ -f "$KDIR/ok" ] && [ -f "$CACHE/base.cpio" ] && [ -f "$CACHE/base.key" ] &&
		[ "$(<"$CACHE/base.key")" = "$1" ] && [ -f "$CACHE/boot.conf" ]
}

prepare() {
	[ -d "$CACHE" ] || mkdir -p "$CACHE" || unavailable "cannot create $CACHE"
	ensure_qemu
	[ "$ARCH" = x86_64 ] || BUSYBOX=$CACHE/busybox
	cache_ready "$(base_key)" && return 0
	# first run (or the kernel, busybox or /init changed): build under a lock,
	# so that parallel runs wait for one build
	exec 9>"$CACHE/.lock"
	flock 9
	if ! [ -f "$KDIR/ok" ] || ! [ -f "$CACHE/base.cpio" ] || [ "$(cat "$CACHE/base.key" 2>/dev/null)" != "$(base_key)" ]; then
		ensure_build_tools
		ensure_foreign_arch
		prepare_busybox
		prepare_kernel
		build_base "$(base_key)"
	fi
	[ -f "$CACHE/boot.conf" ] || selftest
	exec 9>&-
}

# ------------------------------------------------------------------ main (QEMU mode)
QPID=
FPID=
TMP=
cleanup() {
	if [ -n "$QPID" ]; then kill "$QPID" 2>/dev/null || true; fi
	if [ -n "$FPID" ]; then kill "$FPID" 2>/dev/null || true; fi
	if [ -n "$TMP" ]; then rm -rf "$TMP"; fi
	QPID='' FPID='' TMP=''
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM HUP

prepare
BOOT_KERNEL=vmlinuz
if [ -f "$CACHE/boot.conf" ]; then . "$CACHE/boot.conf"; fi
[ -f "$KDIR/$BOOT_KERNEL" ] || BOOT_KERNEL=vmlinuz

TMP=$(mktemp -d "${TMPDIR:-/tmp}/kvm-sandbox.XXXXXX")
mkdir -p "$TMP/st"
cp -a "$DIR" "$TMP/st/work" || die 125 "cannot copy $DIR"
NONCE=$(new_nonce)
{ cat "$CACHE/base.cpio"; make_run_cpio "$TMP/st" "$NONCE" "$CMD" "$@"; } >"$TMP/initrd" ||
	die 125 "cannot build the initramfs"
rm -rf "$TMP/st"

run_qemu "$KDIR/$BOOT_KERNEL" "$TMP/initrd" "$NONCE" "$TIMEOUT" "$TMP"

case $RUN_RESULT in
"EXIT "*) exit "${RUN_RESULT#EXIT }" ;;
"FAIL 77 "*) unavailable "${RUN_RESULT#FAIL 77 }" ;;
esac
if [ "$RUN_QEMU_STATUS" = 124 ] || [ "$RUN_QEMU_STATUS" = 137 ]; then
	if [ "$RUN_RESULT" = "EOF started" ]; then
		die 124 "timed out after $TIMEOUT s: $CMD was still running"
	fi
	die 124 "timed out after $TIMEOUT s while booting the sandbox (no command output yet)"
fi
say "sandbox failure: QEMU exited with status $RUN_QEMU_STATUS without reporting the command's exit status"
if [ "$RUN_RESULT" != "EOF started" ] && [ -s "$TMP/console.log" ]; then
	say "guest console before the command started (last lines):"
	tail -n 20 "$TMP/console.log" >&2
fi
if [ -s "$TMP/qemu.err" ]; then
	say "QEMU stderr:"
	grep -v "TCG doesn't support requested feature" "$TMP/qemu.err" | tail -n 20 >&2
fi
exit 125
