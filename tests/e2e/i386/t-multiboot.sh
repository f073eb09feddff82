#!/usr/bin/env bash
# t-multiboot.sh (i386) - multiboot 1 through the same loader as x86_64: the
# 686 kernel (A) loads tests/kernels' mb1.elf (a tiny kernel that prints what
# it received on COM1) with two modules and a command line, then kx -e; what
# it printed is compared with what kx was given. One guest.
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
log=$E2E_WORK/console.log
nonce=$(e2e_nonce)
cp "$kdir/mb1.elf" "$root/b/mb1.elf"
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect -r 0 -o "kx plan: multiboot image" -n "mb1.elf: load" -- kx -d -l /b/mb1.elf --module="/b/mod1 arg1 arg2" --module=/b/mod2 --append="hello from kx $nonce"
echo "KXA-LOAD-OUTPUT: \$(echo "\$KXT_OUT" | tr '\n' '|')"
kx -e
kxt_fail "kx -e" "returned rc=\$?"
EOF
KX_E2E_EXTRA_DIR=$root build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
run_qemu "$log" 60 "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" ""
assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_log_has "$log" "syscall: kexec_load (auto: i386 has no kexec_file_load, so kx plans it)"
assert_log_has "$log" "KXMB1 magic=0x2badb002"
assert_log_has "$log" "KXMB1 cmdline=/b/mb1.elf hello from kx $nonce" "command line (the image name first, as kexec-tools)"
assert_log_has "$log" "KXMB1 loader=kx " "boot loader name"
assert_log_line "$log" "KXMB1 module 0 " "size=5000 crc32=$crc1 string=/b/mod1 arg1 arg2" "module 0"
assert_log_line "$log" "KXMB1 module 1 " "size=70001 crc32=$crc2 string=/b/mod2" "module 1"
assert_log_has "$log" "type=1" "a RAM entry in the memory map"
assert_log_lacks "$log" "KXMB1 error" "the kernel found no inconsistency"
assert_log_has "$log" "KXMB1 DONE"
e2e_finish
