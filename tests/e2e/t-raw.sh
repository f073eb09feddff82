#!/usr/bin/env bash
# t-raw.sh - raw code that follows no protocol: --type=raw --segment
# FILE@ADDR --entry ADDR. examples/raw/hello.S prints a line and powers off.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
log=$E2E_WORK/console.log
blob=$E2E_ROOT/build/examples/raw-hello.bin
[ -f "$blob" ] || e2e_die "no $blob: run make examples"
mkdir -p "$E2E_WORK/root/b"
cp "$blob" "$E2E_WORK/root/b/raw.bin"
build_initrd_b "$E2E_WORK/initrd-b.gz" 1
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect -r 2 -o "a raw image is given with --segment FILE@ADDR" -n "raw: no kernel file" -- kx -c -l -t raw /b/raw.bin --entry=0x200000
expect -r 1 -o "the raw type needs --entry=ADDR" -n "raw: entry required" -- kx --dry-run -t raw --segment=/b/raw.bin@0x200000
expect -r 1 -o "kx: --segment #1 (at 0x200010) is not page aligned (4 KiB)." -n "raw: unaligned" -- kx --dry-run -t raw --segment=/b/raw.bin@0x200010 --entry=0x200010
expect -r 0 -o "raw image, 2 segments" -n "raw: load" -- kx -d -l -t raw --segment=/b/raw.bin@0x200000 --entry=0x200000
kxt_summary
kx -e
kxt_fail "kx -e" "returned rc=\$?"
EOF
KX_E2E_EXTRA_DIR=$E2E_WORK/root build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
run_qemu "$log" 60 "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" ""
assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-SUMMARY pass=4 fail=0"
assert_log_has "$log" "KXRAW: hello from raw code at 0x200000" "the raw code should run"
e2e_finish
