#!/usr/bin/env bash
# t-boot.sh - the main end-to-end test: kernel A (QEMU, TCG) runs
#   kx -l /b/vmlinuz --initrd=/b/initrd.gz --append="... kxtest.nonce=NONCE"
#   kx -e
# and kernel B must come up with exactly that command line and that initrd
# (checked through a random nonce and the sha256 of a random payload).
set -eu
. "$(dirname "$0")/lib.sh"

e2e_init
log=$E2E_WORK/console.log
nonce=$(e2e_nonce)

build_initrd_b "$E2E_WORK/initrd-b.gz"

cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect_rc 0 -n "kx -l" -- kx -l /b/vmlinuz --initrd=/b/initrd.gz \\
	--append="$E2E_KARGS kxtest.nonce=$nonce"
kxt_note "kx -l done; kx -e"
kx -e
kxt_fail "kx -e" "returned rc=\$? instead of booting kernel B"
EOF

build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" ""

assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-PASS kx -l" "kx -l should succeed in kernel A"
assert_log_line "$log" "KXB-CMDLINE:" "kxtest.nonce=$nonce" \
	"kernel B should get the command line given to kx (nonce $nonce); got: $(log_value "$log" KXB-CMDLINE:)"
assert_log_has "$log" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" \
	"kernel B should get initrd B intact (payload sha256 $KXB_PAYLOAD_SHA256); got: $(log_value "$log" KXB-PAYLOAD:)"
assert_log_has "$log" "KXB-DONE" "kernel B's /init should run to the end"
assert_log_order "$log" "KXA-UP:" "KXB-UP:"
e2e_finish
