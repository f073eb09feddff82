# shellcheck shell=bash
# lib.sh (ppc64le) - the arm64 harness (../arm64/lib.sh, itself ../lib.sh),
# pointed at qemu-system-ppc64 -M pseries -cpu POWER9 (TCG) with Debian's
# powerpc64le kernel (an ELF vmlinux, booted by QEMU's SLOF firmware) and
# ppc64el busybox, build/ppc64le/kx-static. The console is the hypervisor's
# virtual terminal (the spapr VTY, hvc0 in Linux: built into Debian's kernel).
# QEMU runs with -nodefaults (no VGA, USB or virtual SCSI: SLOF boots faster)
# and the spectre capabilities TCG cannot provide set to "broken" (no warnings).
# guest/ has its own init-b (for hvc0); init-a and t.sh are the shared ones.
# Extra environment: as ../arm64/lib.sh; KX_E2E_SMP (default 1) CPUs,
# KX_E2E_CPU (default POWER9), KX_E2E_MEM (default 1024).

: "${KX_BIN:=build/ppc64le/kx-static}"
: "${KX_E2E_QEMU:=qemu-system-ppc64}"
: "${KX_E2E_MACHINE:=pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off}"
: "${KX_E2E_CPU:=POWER9}"
: "${KX_E2E_MEM:=1024}"
export KX_BIN KX_E2E_QEMU KX_E2E_MACHINE KX_E2E_CPU KX_E2E_MEM
# shellcheck source=../arm64/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../arm64/lib.sh"

PPC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_DIR=$PPC_DIR      # build_initrd_* take guest/ from here
PPC_CACHE=$E2E_CACHE/ppc64le
if [ "${KX_E2E_VERBOSE:-0}" = 1 ]; then
	E2E_KARGS="console=hvc0 panic=-1 ignore_loglevel"
else
	E2E_KARGS="console=hvc0 panic=-1 quiet"
fi

e2e_fetch() {
	local v
	v=$(KX_E2E_CACHE=$E2E_CACHE "$PPC_DIR/fetch.sh") || e2e_die "ppc64le fetch.sh failed"
	E2E_VMLINUZ=${KX_E2E_KERNEL:-$v}
	E2E_VMLINUZ_B=${KX_E2E_KERNEL_B:-$E2E_VMLINUZ}
	E2E_BUSYBOX=${KX_E2E_BUSYBOX:-$PPC_CACHE/busybox/bin/busybox}
	[ -f "$E2E_VMLINUZ" ] || e2e_die "no kernel at $E2E_VMLINUZ"
	[ -f "$E2E_VMLINUZ_B" ] || e2e_die "no kernel B at $E2E_VMLINUZ_B"
	[ -x "$E2E_BUSYBOX" ] || e2e_die "no busybox at $E2E_BUSYBOX"
	# ELF e_machine 21 (EM_PPC64) at offset 18, little-endian
	if [ -f "$KX_BIN" ] && [ "$(od -An -tx1 -j18 -N2 "$KX_BIN" | tr -d ' ')" != 1500 ]; then
		e2e_log "WARNING: $KX_BIN is not a ppc64le binary (make ARCH=ppc64le static)"
	fi
}

# _e2e_stage_guest: as ../lib.sh's, with kernel A's configuration under the
# name Debian gives it next to a vmlinux (/boot/config-RELEASE)
eval "_ppc_stage_guest() $(declare -f _e2e_stage_guest | tail -n +2)"
_e2e_stage_guest() {
	_ppc_stage_guest "$@"
	local cfg
	cfg=$(dirname "$E2E_VMLINUZ")/config-$(basename "$E2E_VMLINUZ" | sed 's/^vmlinux-//')
	if [ -f "$cfg" ]; then
		mkdir -p "$1/boot"
		cp "$cfg" "$1/boot/"
	fi
}

# run_qemu LOG TIMEOUT KERNEL INITRD APPEND: ../arm64/lib.sh's, with -nodefaults
# (the console is -serial stdio, which pseries makes its VTY)
eval "_ppc_run_qemu() $(declare -f run_qemu | tail -n +2)"
run_qemu() {
	KX_E2E_QEMU_ARGS="-nodefaults ${KX_E2E_QEMU_ARGS:-}" _ppc_run_qemu "$@"
}

# build_initrd_peer OUT SCENARIO INITRD_B: initrd A with Debian's ppc64el
# kexec-tools (and its libraries, fetch.sh kexec-tools) instead of kx, kernel B
# at /b/vmlinuz and INITRD_B at /b/initrd.gz: the peer (peer.sh, bench.sh).
build_initrd_peer() {
	local out=$1 scenario=$2 initrd_b=$3 stage
	KX_E2E_CACHE=$E2E_CACHE "$PPC_DIR/fetch.sh" kexec-tools >/dev/null ||
		e2e_die "fetching Debian's ppc64el kexec-tools failed"
	[ -x "$PPC_CACHE/kexec-tools/sbin/kexec" ] || e2e_die "no kexec-tools in $PPC_CACHE/kexec-tools"
	stage=$(mktemp -d "$E2E_WORK/stage-peer.XXXXXX")
	_e2e_stage_guest "$stage" "$scenario"
	cp -a "$PPC_CACHE/kexec-tools/." "$stage/"
	mkdir -p "$stage/b"
	cp "$E2E_VMLINUZ_B" "$stage/b/vmlinuz"
	cp "$initrd_b" "$stage/b/initrd.gz"
	make_initramfs "$stage" "$out"
	rm -rf "$stage"
	e2e_log "initrd A (kexec-tools): $out ($(du -k "$out" | cut -f1) KiB)"
}

# build_initrd_crash OUT: the crash kernel's initrd: busybox,
# ../guest/init-crash as /init (checks /proc/vmcore, an ELF64 little-endian
# core file, saves it with makedumpfile -l -d 31 and reads kernel A's log back
# with --dump-dmesg) and Debian's ppc64el makedumpfile (fetch.sh makedumpfile)
# with the libraries its ELF headers name, recursively, and /lib64/ld64.so.2.
build_initrd_crash() {
	local out=$1 mdf=$PPC_CACHE/makedumpfile ma=powerpc64le-linux-gnu stage lib f d
	local queue=(usr/bin/makedumpfile)
	local -A seen=()
	KX_E2E_CACHE=$E2E_CACHE "$PPC_DIR/fetch.sh" makedumpfile >/dev/null ||
		e2e_die "fetching Debian's ppc64el makedumpfile failed"
	[ -x "$mdf/usr/bin/makedumpfile" ] || e2e_die "no makedumpfile under $mdf"
	stage=$(mktemp -d "$E2E_WORK/stage-c.XXXXXX")
	_e2e_stage_base "$stage"
	cp "$E2E_DIR/../guest/init-crash" "$stage/init"
	chmod 755 "$stage/init"
	mkdir -p "$stage/lib/$ma" "$stage/lib64"
	cp "$mdf/usr/bin/makedumpfile" "$stage/usr/bin/"
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		for lib in $(readelf -d "$mdf/$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[ -z "${seen[$lib]:-}" ] || continue
			seen[$lib]=1
			for d in lib/$ma usr/lib/$ma; do
				if [ -e "$mdf/$d/$lib" ]; then
					cp -L "$mdf/$d/$lib" "$stage/lib/$ma/"
					queue+=("$d/$lib")
					break
				fi
			done
			[ -e "$stage/lib/$ma/$lib" ] || e2e_die "makedumpfile needs $lib, not in $mdf"
		done
	done
	cp -L "$mdf/lib/$ma/ld64.so.2" "$stage/lib/$ma/" || e2e_die "no ld64.so.2 in $mdf"
	ln -s "../lib/$ma/ld64.so.2" "$stage/lib64/ld64.so.2"
	make_initramfs "$stage" "$out"
	rm -rf "$stage"
	e2e_log "crash initrd: $out ($(du -k "$out" | cut -f1) KiB, with makedumpfile)"
}
