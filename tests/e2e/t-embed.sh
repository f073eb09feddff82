#!/usr/bin/env bash
# t-embed.sh - libkx from the outside, for real: kernel A runs the example
# embedder (examples/embed/kxboot, linked statically against the installed
# libkx.a by `make embed`)
#   kxboot --load --exec /b/vmlinuz /b/initrd.gz /b/extra.gz -- ... nonce
# and kernel B must come up with that command line and both initrds intact.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
kxboot=${KX_KXBOOT_STATIC:-$E2E_ROOT/build/examples/kxboot-static}
[ -x "$kxboot" ] || e2e_skip "no $kxboot (make embed)"
if readelf -l "$kxboot" | grep -q 'program interpreter'; then
	e2e_die "$kxboot is dynamically linked; the guest has no libc"
fi

nonce=$(e2e_nonce)
E2E_LOG=$E2E_WORK/console.log
build_initrd_b "$E2E_WORK/initrd-b.gz" 2
root=$E2E_WORK/extra-root
mkdir -p "$root/b" "$root/usr/bin"
build_initrd_extra "$root/b/extra.gz" second.bin
cp "$kxboot" "$root/usr/bin/kxboot"
chmod 755 "$root/usr/bin/kxboot"
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
kxboot --load --exec /b/vmlinuz /b/initrd.gz /b/extra.gz -- $E2E_KARGS kxtest.nonce=$nonce
kxt_fail "kxboot --load --exec" "returned rc=\$? instead of booting kernel B"
EOF
KX_E2E_EXTRA_DIR=$root build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" \
	"$E2E_WORK/initrd-b.gz"
run_qemu "$E2E_LOG" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "" || true
assert_qemu_rc 0
assert_no_kxt_fail "$E2E_LOG"
e2e_check "kxboot described the image as a bzImage" grep -qiE '^ +type +bzImage' "$E2E_LOG"
assert_log_has "$E2E_LOG" "kxboot: loaded /b/vmlinuz" "kxboot should report the load"
assert_log_has "$E2E_LOG" "kxboot: booting it now"
assert_log_order "$E2E_LOG" "kxboot: booting it now" "KXB-UP:"
assert_log_line "$E2E_LOG" "KXB-CMDLINE:" "kxtest.nonce=$nonce" \
	"kernel B should get kxboot's command line (nonce $nonce); got: $(log_value "$E2E_LOG" KXB-CMDLINE:)"
assert_log_has "$E2E_LOG" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" \
	"kernel B should get initrd B intact; got: $(log_value "$E2E_LOG" KXB-PAYLOAD:)"
assert_log_has "$E2E_LOG" "KXB-EXTRA: second.bin $KXB_EXTRA_SHA256" \
	"kernel B should get the second initrd's file intact"
assert_log_has "$E2E_LOG" "KXB-DONE" "kernel B's /init should run to the end"
e2e_log "QEMU: ${E2E_QEMU_SECS}s for kernel A, kxboot and kernel B"
e2e_finish
