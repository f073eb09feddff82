#!/usr/bin/env bash
# t-memtest.sh - a real-world non-Linux kernel: Debian's memtest86+ (its x64
# image speaks the Linux boot protocol), loaded by kx and run after kexec; it
# must print its banner on the serial port (it then tests memory forever, so
# QEMU is stopped by the timeout). Kernel A runs with 5-level paging (QEMU's
# -cpu max has LA57, Debian enables it) and memtest86+ knows only 4-level
# paging: the purgatory must switch (KX_PURG_4LEVEL), as -d shows.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
log=$E2E_WORK/console.log
mt=$E2E_CACHE/memtest86+
if [ ! -f "$mt/boot/memtest86+x64.bin" ]; then
	rm -rf "$mt.tmp" && mkdir -p "$mt.tmp"
	(cd "$mt.tmp" && apt-get download -q -o APT::Sandbox::User=root memtest86+ >/dev/null 2>&1 &&
		dpkg -x memtest86+_*.deb .) || e2e_die "cannot fetch memtest86+ with apt-get download"
	mv "$mt.tmp" "$mt"
fi
mkdir -p "$E2E_WORK/root/b"
cp "$mt/boot/memtest86+x64.bin" "$E2E_WORK/root/b/memtest.bin"
build_initrd_b "$E2E_WORK/initrd-b.gz" 1
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect -r 0 -o "kx plan: bzimage image" -n "memtest: plan" -- kx --dry-run /b/memtest.bin --append="console=ttyS0,115200"
expect -r 0 -n "memtest: load" -- kx -d -c -l /b/memtest.bin --append="console=ttyS0,115200"
kx -e
kxt_fail "kx -e" "returned rc=\\\$?"
EOF
KX_E2E_EXTRA_DIR=$E2E_WORK/root build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
run_qemu "$log" 25 "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "" || true
assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-PASS memtest: load"
assert_log_has "$log" "Memtest86+ v" "memtest86+ should start and print its banner on the serial port"
assert_log_has "$log" "kx purgatory: 5-level paging off for a 4-level kernel" \
	"the purgatory should leave 5-level paging for a kernel without XLF_5LEVEL"
e2e_finish
