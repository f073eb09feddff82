# shellcheck shell=bash
# lib.sh (i386) - the x86 harness (../lib.sh) on qemu-system-i386: Debian's
#   686 (no PAE) and 686-pae kernels and busybox-static for i386, q35, the
#   same 16550 console, guest/ scripts and markers as x86_64,
#   build/i386/kx-static. Every function of ../lib.sh works as documented in
#   ../README.md; this file only sets what differs: KX_BIN, KX_E2E_QEMU and
#   e2e_fetch. Kernel A is the 686 kernel and kernel B the 686-pae one,
#   unless I386_A / I386_B name the other flavour (686 or 686-pae), or
#   KX_E2E_KERNEL / KX_E2E_KERNEL_B give files.

: "${KX_BIN:=build/i386/kx-static}"
export KX_BIN
: "${KX_E2E_QEMU:=qemu-system-i386}"
export KX_E2E_QEMU
# 1 GiB: above the 896 MiB a kernel without PAE maps directly (highmem)
: "${KX_E2E_MEM:=1024}"
export KX_E2E_MEM
# shellcheck source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

I386_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${I386_A:=686}" "${I386_B:=686-pae}"

e2e_fetch() {
	local v k686 kpae
	v=$(KX_E2E_CACHE=$E2E_CACHE "$I386_DIR/fetch.sh") || e2e_die "i386 fetch.sh failed"
	k686=$(sed -n 1p <<<"$v")
	kpae=$(sed -n 2p <<<"$v")
	_i386_pick() { if [ "$1" = 686-pae ]; then echo "$kpae"; else echo "$k686"; fi; }
	E2E_VMLINUZ=${KX_E2E_KERNEL:-$(_i386_pick "$I386_A")}
	E2E_VMLINUZ_B=${KX_E2E_KERNEL_B:-$(_i386_pick "$I386_B")}
	E2E_BUSYBOX=${KX_E2E_BUSYBOX:-$E2E_CACHE/i386/busybox/bin/busybox}
	[ -f "$E2E_VMLINUZ" ] || e2e_die "no kernel at $E2E_VMLINUZ"
	[ -f "$E2E_VMLINUZ_B" ] || e2e_die "no kernel B at $E2E_VMLINUZ_B"
	[ -x "$E2E_BUSYBOX" ] || e2e_die "no busybox at $E2E_BUSYBOX"
	# ELF e_machine 3 (EM_386) at offset 18
	if [ -f "$KX_BIN" ] && [ "$(od -An -tx1 -j18 -N2 "$KX_BIN" | tr -d ' ')" != 0300 ]; then
		e2e_log "WARNING: $KX_BIN is not an i386 binary (make ARCH=i386 static)"
	fi
	e2e_log "kernel A $(basename "$E2E_VMLINUZ"), kernel B $(basename "$E2E_VMLINUZ_B")"
}
