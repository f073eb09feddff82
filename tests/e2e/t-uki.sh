#!/usr/bin/env bash
# t-uki.sh - a unified kernel image built here from the Debian kernel, initrd B
# and a command line (objcopy + systemd's EFI stub, see mkuki.sh), booted with
# `kx -s -l uki.efi`: .linux and .initrd reach kexec_file_load through memfds,
# and kernel B must show the UKI's embedded command line. Then the same UKI in
# auto mode, which takes kexec_load (kx's plan: no policy asks for the file
# path), with a user --initrd appended after .initrd and --append added to the
# embedded command line.
set -eu
. "$(dirname "$0")/lib.sh"

e2e_init

uki_boot() { # MODE: file | auto
	local mode=$1 nonce log root
	nonce=$(e2e_nonce)
	log=$E2E_WORK/console-$mode.log
	root=$E2E_WORK/root-$mode
	mkdir -p "$root/b"
	build_initrd_b "$E2E_WORK/initrd-b.gz" 2
	"$E2E_DIR/mkuki.sh" "$E2E_VMLINUZ" "$E2E_WORK/initrd-b.gz" \
		"$E2E_KARGS kxtest.uki=$nonce" "$root/b/uki.efi" >/dev/null 2>"$E2E_WORK/mkuki.err" ||
		e2e_die "mkuki.sh failed: $(cat "$E2E_WORK/mkuki.err")"
	if [ "$mode" = file ]; then
		cmd="kx -d -s -l /b/uki.efi"
	else
		build_initrd_extra "$root/b/extra.gz" second.bin
		cmd="kx -d -l /b/uki.efi --initrd=/b/extra.gz --append=kxtest.more=$nonce"
	fi
	cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect_rc 0 -n "$cmd" -- $cmd
echo "KXA-LOAD-OUTPUT: \$(echo "\$KXT_OUT" | tr '\n' '|')"
kx -e
kxt_fail "kx -e" "returned rc=\$?"
EOF
	KX_E2E_EXTRA_DIR=$root build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
	run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" ""
	assert_qemu_rc 0
	assert_no_kxt_fail "$log"
	assert_log_line "$log" "KXB-CMDLINE:" "kxtest.uki=$nonce" \
		"kernel B should get the UKI's embedded command line; got: $(log_value "$log" KXB-CMDLINE:)"
	assert_log_has "$log" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" "the UKI's .initrd should reach kernel B intact"
	assert_log_has "$log" "KXB-DONE"
	if [ "$mode" = file ]; then
		assert_log_has "$log" "loaded with kexec_file_load" "-s should hand the UKI to kexec_file_load"
	else
		assert_log_line "$log" "KXB-CMDLINE:" "kxtest.more=$nonce" "--append should add to the embedded command line"
		assert_log_has "$log" "KXB-EXTRA: second.bin $KXB_EXTRA_SHA256" "the user's --initrd should follow .initrd"
		assert_log_has "$log" "loaded with kexec_load"
		assert_log_has "$log" "syscall: kexec_load (auto: kx's own plan and purgatory" \
			"auto should take kexec_load for the UKI"
		# .linux unpacked at load (its four PT_LOADs) when this kx
		# carries its codec, else as it is; .initrd, the user's initrd,
		# the boot parameters, the purgatory
		case $kline in
		"kernel: unpacked at load ("*) assert_log_has "$log" "uki image, 8 segments" ;;
		*) assert_log_has "$log" "uki image, 5 segments" ;;
		esac
		assert_log_has "$log" "$kline" "kx -d should say what it made of .linux"
	fi
}

kline=$(e2e_kernel_line "$E2E_VMLINUZ")
[ -n "$kline" ] || e2e_die "no kernel line in kx --dry-run -c $E2E_VMLINUZ"
uki_boot file
uki_boot auto
e2e_finish
