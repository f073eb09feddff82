#!/usr/bin/env bash
# t-multiboot.sh - multiboot 1 and 2 kernels (tests/kernels: tiny kernels that
# print everything they received on COM1) loaded by kx with two modules and a
# command line; what each kernel printed is compared with what kx was given:
# the command line, each module's size, CRC32 and string, the loader name,
# a memory map, and (multiboot2) the ACPI RSDP.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
kdir=$E2E_ROOT/build/kernels
[ -f "$kdir/mb1.elf" ] || e2e_die "no test kernels in $kdir: run make kernels"
root=$E2E_WORK/root
mkdir -p "$root/b"
head -c 5000 /dev/urandom >"$root/b/mod1"
head -c 70001 /dev/urandom >"$root/b/mod2"
crc() { python3 -c 'import sys,zlib; print("0x%08x" % zlib.crc32(open(sys.argv[1],"rb").read()))' "$1"; }
crc1=$(crc "$root/b/mod1") crc2=$(crc "$root/b/mod2")
build_initrd_b "$E2E_WORK/initrd-b.gz" 1

boot_mb() { # KERNEL-FILE TAG(KXMB1|KXMB2) TYPE
	local k=$1 tag=$2 type=$3 log=$E2E_WORK/console-$1.log nonce
	nonce=$(e2e_nonce)
	cp "$kdir/$k" "$root/b/$k"
	cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect -r 0 -o "kx plan: $type image" -n "$k: load" -- kx -d -l /b/$k --module="/b/mod1 arg1 arg2" --module=/b/mod2 --append="hello from kx $nonce"
echo "KXA-LOAD-OUTPUT: \$(echo "\$KXT_OUT" | tr '\n' '|')"
kx -e
kxt_fail "kx -e" "returned rc=\$?"
EOF
	KX_E2E_EXTRA_DIR=$root build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
	run_qemu "$log" 60 "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" ""
	assert_qemu_rc 0
	assert_no_kxt_fail "$log"
	assert_log_has "$log" "syscall: kexec_load (auto: the kernel's own loader takes only bzImage kernels"
	assert_log_has "$log" "$tag cmdline=/b/$k hello from kx $nonce" "$k: command line (the image name first, as kexec-tools)"
	assert_log_has "$log" "$tag loader=kx " "$k: boot loader name"
	assert_log_line "$log" "$tag module 0 " "size=5000 crc32=$crc1 string=/b/mod1 arg1 arg2" "$k: module 0"
	assert_log_line "$log" "$tag module 1 " "size=70001 crc32=$crc2 string=/b/mod2" "$k: module 1"
	assert_log_has "$log" "type=1" "$k: a RAM entry in the memory map"
	assert_log_lacks "$log" "$tag error" "$k: the kernel found no inconsistency"
	assert_log_has "$log" "$tag DONE"
	if [ "$tag" = KXMB1 ]; then
		assert_log_has "$log" "KXMB1 magic=0x2badb002"
	else
		assert_log_has "$log" "KXMB2 magic=0x36d76289"
		assert_log_has "$log" 'acpi_old sig="RSD PTR "' "$k: the ACPI RSDP tag"
	fi
}

# A plain ELF32 kernel: the same test kernel forced through the ELF path
# (-t elf) is entered in 32-bit protected mode with paging off and all
# registers zero, so it reports a missing multiboot magic, then powers off.
boot_elf32() {
	local log=$E2E_WORK/console-elf32.log
	cp "$kdir/mb1.elf" "$root/b/mb1.elf"
	cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect -r 0 -o "then 32-bit protected mode jump to 0x10000c" -n "ELF32: plan" -- kx --dry-run -t elf /b/mb1.elf
expect -r 0 -n "ELF32: load" -- kx -l -t elf /b/mb1.elf
kx -e
kxt_fail "kx -e" "returned rc=\$?"
EOF
	KX_E2E_EXTRA_DIR=$root build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
	run_qemu "$log" 60 "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" ""
	assert_qemu_rc 0
	assert_no_kxt_fail "$log"
	assert_log_has "$log" "KXMB? BEGIN" "the ELF32 kernel should run"
	assert_log_has "$log" "KXMB? error magic=0x0 mbi=0x0" "a plain ELF hand-off passes no boot information"
	assert_log_has "$log" "KXMB? DONE"
}

boot_elf32
boot_mb mb1.elf KXMB1 multiboot
boot_mb mb1-aout.bin KXMB1 multiboot
boot_mb mb2.elf KXMB2 multiboot2
boot_mb mb12.elf KXMB2 multiboot2
e2e_finish
