#!/usr/bin/env bash
# demo.sh - `make demo`: boot a real Debian kernel (A) in QEMU, use kx inside
# it to load and execute a second kernel (B) with our own command line and
# initrd, and show the serial console live. Ends with a clear SUCCESS or
# FAILURE line (exit status 0 or 1).
#
# Same environment as the tests (see lib.sh): KX_BIN, KX_E2E_FLAVOUR,
# KX_E2E_VERBOSE=1 (full kernel logs), KX_E2E_KEEP=1, ...
set -eu
. "$(dirname "$0")/lib.sh"

export KX_E2E_LIVE=1    # run_qemu: copy the console to the terminal

say() { printf '%s\n' "demo: $*"; }

if [ ! -f "$KX_BIN" ]; then
	say "FAILURE — no kx binary at $KX_BIN (build it first with make, or set KX_BIN)"
	exit 1
fi

say "fetching a Debian kernel and busybox (cached after the first time)..."
e2e_init
log=$E2E_WORK/console.log
nonce=$(e2e_nonce)
b_append="$E2E_KARGS kxtest.nonce=$nonce"

say "kernel:  $E2E_VMLINUZ"
say "kx:      $KX_BIN"
say "building initrd B (busybox + random payload) and initrd A (busybox + kx + kernel B + initrd B)..."
build_initrd_b "$E2E_WORK/initrd-b.gz"
# Unquoted heredoc: $b_append is filled in now; \$ is left for the guest.
cat >"$E2E_WORK/scenario.sh" <<EOF
echo
echo "== kernel A is up: Linux \$(uname -r), up \$(cut -d' ' -f1 /proc/uptime)s =="
echo "== the plan kx makes for kernel B (kx --dry-run) =="
kx --dry-run /b/vmlinuz --initrd=/b/initrd.gz --append="$b_append"
echo "== loading kernel B with kx =="
echo "   kx -l /b/vmlinuz --initrd=/b/initrd.gz --append=\"$b_append\""
if ! kx -l /b/vmlinuz --initrd=/b/initrd.gz --append="$b_append"; then
	echo "== kx -l FAILED (exit status \$?) =="
fi
kx -S
echo "== executing kernel B: kx -e =="
kx -e
echo "== kx -e FAILED (exit status \$?): still in kernel A =="
exit 1
EOF
build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"

say "booting kernel A in QEMU (TCG, no KVM); serial console follows"
echo "------------------------------------------------------------------------"
run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "" || true
echo "------------------------------------------------------------------------"

assert_qemu_rc 0
assert_log_line "$log" "KXB-CMDLINE:" "kxtest.nonce=$nonce" \
	"kernel B did not report our command line (nonce $nonce)"
assert_log_has "$log" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" \
	"kernel B did not see initrd B intact (payload sha256 $KXB_PAYLOAD_SHA256)"
assert_log_has "$log" "KXB-DONE" "kernel B's /init did not finish"

if [ "$E2E_NFAIL" -eq 0 ]; then
	say "kernel B's command line: $(log_value "$log" KXB-CMDLINE:)"
	say "kernel B's payload sha256 matches the one built on the host ($KXB_PAYLOAD_SHA256)"
	say "SUCCESS — kernel B booted via kx with the command line and initrd we passed (QEMU ran ${E2E_QEMU_SECS}s)"
else
	say "FAILURE — kernel B did not boot via kx as expected (see the reasons above; log: $log)"
fi
# The exit trap (lib.sh) turns this into 1 if a check failed, and keeps the
# work dir in that case.
exit 0
