#!/usr/bin/env bash
# t-kxboot-menu.sh - `kx boot`'s menu, driven by keys on the serial console.
# The disks of t-kxboot.sh (tests/e2e/boot/mkdisks.sh); kernel A runs
# `kx boot --scan` on ttyS0, which QEMU serves on a socket where
# boot/serial-keys.py plays a dumb terminal: it waits for the menu (and its
# countdown from loader.conf's "timeout 3"), sends End (the last entry, a
# hostile one: the menu says why it cannot be booted), Home, Down twice (from
# the default kx-two to a-older: the BLS order is by version, not file name), `e`,
# types " kxmenu=1" at the end of the command line and Enter (the editor's
# Enter boots). Kernel B must be a-older's kernel with a-older's initrd
# (initrd B: its payload intact) and the edited command line; the console
# must show the menu, the editor with a-older's title, and no entry booted
# by the countdown. The disks' sha256 are unchanged afterwards.
set -eu
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/boot/lib-kxboot.sh"

kxboot_need_tools
e2e_init
W=$E2E_WORK
nonce=$(e2e_nonce)

# a-older's initrd is initrd B; the other entries are never booted here
build_initrd_b "$W/initrd-b.gz" 2
printf 'placeholder initrd: this entry is not booted by t-kxboot-menu\n' >"$W/none.img"
KXBOOT_ARGS=$E2E_KARGS KXBOOT_NONCE=$nonce "$E2E_DIR/boot/mkdisks.sh" "$W/disks" "$E2E_VMLINUZ_B" \
	"$W/none.img" "$W/none.img" "$W/initrd-b.gz" "$W/none.img" "$W/none.img" "$W/none.img" ||
	e2e_die "mkdisks.sh failed"
kxboot_sums "$W/disks" >"$W/sums.before"

mkdir -p "$W/a"
# shellcheck disable=SC2086 # a list of modules
kxboot_modules "$W/a" $KXBOOT_MODS_HOP
cat >"$W/a.sh" <<S
. /t.sh
$KXBOOT_LOAD_MODULES
echo "KXM-MENU: starting"
kx boot --scan
kxt_fail "A: kx boot --scan (the menu)" "returned rc=\$? instead of booting the entry chosen"
S
build_initrd_hop "$W/initrd-a.gz" "$W/a.sh" "$W/a"
rm -rf "$W/a"

log=$W/console.log
sock=$W/ttyS0.sock
python3 "$E2E_DIR/boot/serial-keys.py" "$sock" "$log" "$E2E_TIMEOUT" \
	"wait:KXM-MENU: starting" "wait:Enter: boot" 'send:\e[F' "wait:Cannot boot: " \
	'send:\e[H' "sleep:0.3" 'send:\e[B' "sleep:0.3" 'send:\e[B' "sleep:0.3" "send:e" "wait:(Enter boots):" \
	"send: kxmenu=1" "wait:kxmenu=1" 'send:\r' 2>"$W/keys.err" &
keys=$!
# shellcheck disable=SC2046 # the drive arguments
E2E_SERIAL=chardev:ser0 KX_E2E_QEMU_ARGS="${KX_E2E_QEMU_ARGS:-} -chardev socket,id=ser0,path=$sock,server=on,wait=on $(kxboot_drives "$W/disks")" \
	run_qemu "$W/qemu.out" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$W/initrd-a.gz" "" || true
krc=0
wait "$keys" || krc=$?
# shellcheck disable=SC2034 # lib.sh shows it if the test fails
E2E_LAST_LOG=$log
assert_qemu_rc 0
e2e_check "the keys were played (serial-keys.py: $(tr '\n' ' ' <"$W/keys.err"))" [ "$krc" = 0 ]
kxboot_sums "$W/disks" >"$W/sums.after"
e2e_check "no disk image changed (sha256 before and after)" cmp -s "$W/sums.before" "$W/sums.after"

tr -d '\r' <"$log" >"$W/console.txt"
assert_no_kxt_fail "$W/console.txt"
assert_log_has "$W/console.txt" "kx BLS, two initrds" "the menu should list the default entry"
assert_log_has "$W/console.txt" "Booting 'kx BLS, two initrds' in 3 s" \
	"the menu should count down loader.conf's timeout (3 s) to the default"
assert_log_has "$W/console.txt" "Cannot boot: " "the menu should say why the last (hostile) entry cannot be booted"
assert_log_has "$W/console.txt" "Command line of 'kx BLS, older' (Enter boots):" \
	"the editor should open on a-older (two below the default)"
assert_log_line "$W/console.txt" "KXB-CMDLINE:" "kxboot.entry=bls-older kxboot.nonce=$nonce kxmenu=1" \
	"kernel B should have a-older's command line with the edit"
assert_log_has "$W/console.txt" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" "kernel B should have a-older's initrd intact"
assert_log_has "$W/console.txt" "KXB-DONE"
e2e_finish
