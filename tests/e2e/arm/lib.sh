# shellcheck shell=bash
# lib.sh (32-bit ARM) - the arm64 harness (../arm64/lib.sh, itself ../lib.sh
# pointed at QEMU virt's PL011), on qemu-system-arm -M virt -cpu cortex-a15
# (TCG) with Debian's armmp kernel and armhf busybox, build/arm/kx-static.
# The guest side (guest/ of arm64: init-a, init-b, t.sh) is shared as it is.
# Extra environment: as ../arm64/lib.sh; KX_E2E_SMP (default 1) CPUs.

: "${KX_BIN:=build/arm/kx-static}"
: "${KX_E2E_QEMU:=qemu-system-arm}"
: "${KX_E2E_CPU:=cortex-a15}"
: "${KX_E2E_MEM:=1024}"
export KX_BIN KX_E2E_QEMU KX_E2E_CPU KX_E2E_MEM
# shellcheck source=../arm64/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../arm64/lib.sh"

ARM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ARM_CACHE=$E2E_CACHE/arm

e2e_fetch() {
	local v
	v=$(KX_E2E_CACHE=$E2E_CACHE "$ARM_DIR/fetch.sh") || e2e_die "arm fetch.sh failed"
	E2E_VMLINUZ=${KX_E2E_KERNEL:-$v}
	E2E_VMLINUZ_B=${KX_E2E_KERNEL_B:-$E2E_VMLINUZ}
	E2E_BUSYBOX=${KX_E2E_BUSYBOX:-$ARM_CACHE/busybox/bin/busybox}
	[ -f "$E2E_VMLINUZ" ] || e2e_die "no kernel at $E2E_VMLINUZ"
	[ -f "$E2E_VMLINUZ_B" ] || e2e_die "no kernel B at $E2E_VMLINUZ_B"
	[ -x "$E2E_BUSYBOX" ] || e2e_die "no busybox at $E2E_BUSYBOX"
	# ELF e_machine 40 (EM_ARM) at offset 18
	if [ -f "$KX_BIN" ] && [ "$(od -An -tx1 -j18 -N2 "$KX_BIN" | tr -d ' ')" != 2800 ]; then
		e2e_log "WARNING: $KX_BIN is not a 32-bit ARM binary (make ARCH=arm static)"
	fi
}
