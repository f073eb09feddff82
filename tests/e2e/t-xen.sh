#!/usr/bin/env bash
# t-xen.sh - the real Xen hypervisor (Debian's xen-hypervisor-4.17-amd64) with
# a dom0 kernel (Debian's generic linux-image-amd64: CONFIG_XEN_DOM0) as
# multiboot module, loaded by kx through multiboot2 (-t multiboot2, kexec_load
# asked for with -c) and multiboot 1 (-t multiboot, auto mode, the hypervisor
# gzip'd as Debian ships it: kx unpacks it, as kexec-tools does), one guest each.
#
# Xen must print its banner on COM1 with the exact command line kx was given
# (kx passes "IMAGE-NAME ARGS", as kexec-tools does, and Xen drops the first
# word when the boot loader is not GRUB 2: issue 12 item 12's root cause), its
# E820 map from the multiboot memory map, the ACPI tables, build dom0 and start
# it; dom0 must print "Linux version" and the command line of its module
# string (without the file name), and then QEMU is stopped (run_qemu_until):
# dom0 has no root file system, and its panic plus Xen's 5 s reset delay take
# another half minute under TCG.
#
# Two guests of about 25 s each (1 GiB, KX_E2E_XEN_TIMEOUT each, default 150).
# Xen under TCG: -cpu qemu64 (with QEMU's -cpu max, dom0 crashes before
# printing anything, under kexec-tools as under kx: not a loader's matter).
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
read -r xen dom0 < <(KX_E2E_CACHE=$E2E_CACHE "$E2E_DIR/fetch.sh" --xen) ||
	e2e_die "fetch.sh --xen failed"
if [ ! -f "$xen" ] || [ ! -f "$dom0" ]; then e2e_die "no Xen fixtures ($xen, $dom0)"; fi
root=$E2E_WORK/root
mkdir -p "$root/b"
cp "$xen" "$root/b/xen"
gzip -c "$xen" >"$root/b/xen.gz"
cp "$dom0" "$root/b/dom0"
build_initrd_b "$E2E_WORK/initrd-b.gz" 1

# boot_xen TYPE SYSCALL-OPTION FILE PLAN (what kx's plan calls it)
boot_xen() {
	local type=$1 sc=$2 file=$3 plan=$4 log=$E2E_WORK/console-$1.log nonce xargs dargs
	nonce=$(e2e_nonce)
	xargs="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all bootscrub=false dom0_mem=192M kxtest.xen=$nonce"
	dargs="console=hvc0 earlyprintk=xen panic=-1 kxtest.dom0=$nonce"
	cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect -r 0 -o "kx plan: $plan image" -n "xen $type: load" -- kx -d $sc -l -t $type $file --command-line="$xargs" --module="/b/dom0 $dargs"
echo "KXA-LOAD-OUTPUT: \$(echo "\$KXT_OUT" | tr '\n' '|')"
kx -e
kxt_fail "kx -e" "returned rc=\$?"
EOF
	KX_E2E_EXTRA_DIR=$root build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
	# stopped once dom0 has shown its command line (else its panic and
	# Xen's reset would take another half minute under TCG)
	KX_E2E_QEMU_ARGS="-cpu qemu64 ${KX_E2E_QEMU_ARGS:-}" KX_E2E_MEM=${KX_E2E_MEM:-1024} \
		run_qemu_until "$log" "${KX_E2E_XEN_TIMEOUT:-150}" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "" \
		"Command line: $dargs" || true
	assert_qemu_rc 0
	e2e_check "$type: QEMU should be stopped at dom0's command line" [ "$E2E_QEMU_STOPPED" = 1 ]
	assert_no_kxt_fail "$log"
	assert_log_has "$log" "KXT-PASS xen $type: load"
	assert_log_line "$log" "KXA-LOAD-OUTPUT:" "command line: $file $xargs" \
		"$type: kx should pass the image name first"
	assert_log_has "$log" "(XEN) Xen version 4.17" "$type: Xen's banner"
	assert_log_has "$log" "(XEN) Bootloader: kx " "$type: the boot loader name"
	assert_log_has "$log" "(XEN) Command line: $xargs" "$type: Xen's command line, exactly"
	assert_log_has "$log" "(XEN) Xen-e820 RAM map:" "$type: the memory map"
	assert_log_has "$log" "(XEN) ACPI: RSDP" "$type: ACPI found"
	assert_log_has "$log" "(XEN) *** Building a PV Dom0 ***" "$type: dom0 built"
	assert_log_has "$log" "Linux version 6." "$type: dom0's banner"
	assert_log_has "$log" "Command line: $dargs" "$type: dom0's command line (the module string less its file name)"
	assert_log_order "$log" "(XEN) Xen version 4.17" "Linux version 6."
	assert_log_lacks "$log" "(XEN) Panic on CPU" "$type: Xen must not panic"
	e2e_log "$type: QEMU ran ${E2E_QEMU_SECS}s"
}

boot_xen multiboot2 -c /b/xen multiboot2
boot_xen multiboot "" /b/xen.gz "gzip-compressed multiboot"
e2e_finish
