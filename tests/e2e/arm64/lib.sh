# shellcheck shell=bash
# lib.sh (arm64) - the x86 harness (../lib.sh), pointed at qemu-system-aarch64:
#   -M virt -cpu cortex-a57 (TCG), Debian's arm64 kernel and busybox, the PL011
#   console, build/arm64/kx-static. Every function of ../lib.sh works as
#   documented in ../README.md; this file only overrides what differs:
#   E2E_DIR (guest/: init-b for the PL011, init-a and t.sh shared), E2E_KARGS,
#   e2e_fetch, run_qemu.
# Extra environment: KX_E2E_SMP (CPUs, default 1), KX_E2E_MACHINE (default "virt"; e.g. virt,virtualization=on
# to run the kernels at EL2), KX_E2E_CPU (default cortex-a57), KX_E2E_TS=1
# (prefix every console line with the host's time, seconds since the epoch),
# KX_E2E_STOP_ON=TEXT (end QEMU, status 0, once the console shows TEXT: for a
# guest that halts on purpose).

: "${KX_BIN:=build/arm64/kx-static}"
export KX_BIN
# shellcheck source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

A64_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_DIR=$A64_DIR      # build_initrd_* take guest/ from here
A64_CACHE=$E2E_CACHE/arm64
if [ "${KX_E2E_VERBOSE:-0}" = 1 ]; then
	E2E_KARGS="console=ttyAMA0 panic=-1 earlycon=pl011,0x9000000 ignore_loglevel"
else
	E2E_KARGS="console=ttyAMA0 panic=-1 quiet"
fi

e2e_fetch() {
	local v
	v=$(KX_E2E_CACHE=$E2E_CACHE "$A64_DIR/fetch.sh") || e2e_die "arm64 fetch.sh failed"
	E2E_VMLINUZ=${KX_E2E_KERNEL:-$v}
	E2E_VMLINUZ_B=${KX_E2E_KERNEL_B:-$E2E_VMLINUZ}
	E2E_BUSYBOX=${KX_E2E_BUSYBOX:-$A64_CACHE/busybox/bin/busybox}
	[ -f "$E2E_VMLINUZ" ] || e2e_die "no kernel at $E2E_VMLINUZ"
	[ -f "$E2E_VMLINUZ_B" ] || e2e_die "no kernel B at $E2E_VMLINUZ_B"
	[ -x "$E2E_BUSYBOX" ] || e2e_die "no busybox at $E2E_BUSYBOX"
	# ELF e_machine 183 (EM_AARCH64) at offset 18
	if [ -f "$KX_BIN" ] && [ "$(od -An -tx1 -j18 -N2 "$KX_BIN" | tr -d ' ')" != b700 ]; then
		e2e_log "WARNING: $KX_BIN is not an arm64 binary (make ARCH=arm64 static)"
	fi
}

# _a64_stamp: copy stdin to stdout, each line prefixed with the host time
_a64_stamp() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		printf '%s %s\n' "$EPOCHREALTIME" "$line"
	done
}

# run_qemu LOG TIMEOUT KERNEL INITRD APPEND: as ../lib.sh, on qemu-system-aarch64
# (KX_E2E_QEMU: another, e.g. qemu-system-arm for ../arm).
run_qemu() {
	local log=$1 secs=$2 kernel=$3 initrd=$4 append=$5 t0 t1 rc
	local qemu=${KX_E2E_QEMU:-qemu-system-aarch64}
	local -a extra=()
	# shellcheck disable=SC2206 # word splitting wanted
	[ -z "${KX_E2E_QEMU_ARGS:-}" ] || extra=($KX_E2E_QEMU_ARGS)
	local -a cmd=(
		timeout -k 5 "$secs"
		"$qemu" -M "${KX_E2E_MACHINE:-virt}" -cpu "${KX_E2E_CPU:-cortex-a57}"
		-m "${KX_E2E_MEM:-2048}" -smp "${KX_E2E_SMP:-1}"
		-display none -nic none -no-reboot -monitor none -serial stdio
		-kernel "$kernel" -initrd "$initrd" -append "$E2E_KARGS $append"
		"${extra[@]}"
	)
	E2E_LAST_LOG=$log
	rm -f "$log" "$log.stderr" "$log.rc"
	e2e_log "booting $(basename "$kernel") + $(basename "$initrd") in $qemu (timeout ${secs}s)"
	t0=$(_e2e_ms)
	if [ -n "${KX_E2E_STOP_ON:-}" ]; then
		# a guest that halts on purpose: stop QEMU once the text is on the console
		"${cmd[@]}" </dev/null 2>"$log.stderr" >"$log" &
		local pid=$! stopped=0
		while kill -0 "$pid" 2>/dev/null; do
			if grep -q -a -F -e "$KX_E2E_STOP_ON" "$log"; then
				sleep 1
				kill "$pid" 2>/dev/null || true
				stopped=1
				break
			fi
			sleep 0.2
		done
		rc=0
		wait "$pid" || rc=$?
		if [ "$stopped" = 1 ]; then
			echo "[e2e: QEMU stopped once the console showed '$KX_E2E_STOP_ON']" >>"$log"
			rc=0
		fi
		echo "$rc" >"$log.rc"
	else
		if "${cmd[@]}" </dev/null 2>"$log.stderr"; then
			echo 0 >"$log.rc"
		else
			echo $? >"$log.rc"
		fi | if [ "${KX_E2E_TS:-0}" = 1 ]; then _a64_stamp; else cat; fi |
			if [ "${KX_E2E_LIVE:-0}" = 1 ]; then tee "$log"; else cat >"$log"; fi
	fi
	t1=$(_e2e_ms)
	rc=$(cat "$log.rc" 2>/dev/null || echo 255)
	E2E_QEMU_RC=$rc
	E2E_QEMU_SECS=$(_e2e_secs "$t0" "$t1")
	case $rc in
		0) e2e_log "QEMU exited after ${E2E_QEMU_SECS}s" ;;
		124 | 137) e2e_log "QEMU TIMEOUT: killed after ${secs}s"
			echo "[e2e: QEMU killed after ${secs}s timeout]" >>"$log" ;;
		*) e2e_log "QEMU failed with rc=$rc after ${E2E_QEMU_SECS}s (see $log.stderr)" ;;
	esac
	return "$rc"
}
