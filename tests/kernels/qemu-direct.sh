#!/usr/bin/env bash
# Boot the kx test kernels without kx, to check the kernels themselves:
#   - the multiboot 1 kernels with QEMU's own -kernel loader (q35, TCG);
#   - the multiboot 2 kernels (and the one with both headers) through GRUB,
#     when grub-mkrescue, xorriso and GRUB's i386-pc files are installed
#     (KX_KERNELS_GRUB=0 skips, =1 makes their absence a failure).
# Each boot must print the KXMB lines for what it was given (command line,
# modules with their sizes and CRC32s) and power the VM off by itself.
# Usage: tests/kernels/qemu-direct.sh [KERNEL_DIR]   (default build/kernels)
set -u
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here/../../build/kernels}
qemu=${KX_E2E_QEMU:-qemu-system-x86_64}
timeout_s=${KX_KERNELS_TIMEOUT:-60}
work=$(mktemp -d "${TMPDIR:-/tmp}/kx-kernels.XXXXXX")
trap 'rm -rf "$work"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# CRC32 (zlib's) of a file: the gzip trailer carries it
crc32() { gzip -c <"$1" | tail -c 8 | od -An -tx4 -N4 --endian=little | tr -d ' \n'; }

# modules: 5000 bytes of a fixed pattern, and a short text
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "%c", 32 + (i * 7) % 90 }' >"$work/mod1"
printf 'second module' >"$work/mod2"

# check LOG PREFIX CMDLINE_SUFFIX "MODSTRING1" "MODSTRING2": one boot's output
check_log() {
	local log=$1 p=$2 cmd=$3 s1=$4 s2=$5 name=$6 i f s line
	grep -q "^$p BEGIN" "$log" || { bad "$name: no '$p BEGIN' line"; return; }
	grep -q "^$p DONE" "$log" && ok "$name: DONE" || bad "$name: no DONE line"
	grep -q "^$p HALT" "$log" && bad "$name: power-off did not work (HALT)"
	grep -q "^$p bss=zero data=ok" "$log" && ok "$name: bss zeroed, data intact" ||
		bad "$name: $(grep "^$p bss=" "$log")"
	grep -q "^$p error" "$log" && bad "$name: $(grep "^$p error" "$log" | head -1)"
	line=$(grep "^$p cmdline=" "$log")
	case $line in *"$cmd") ok "$name: cmdline" ;; *) bad "$name: cmdline is '$line', want ...'$cmd'" ;; esac
	for i in 0 1; do
		if [ $i = 0 ]; then f=$work/mod1 s=$s1; else f=$work/mod2 s=$s2; fi
		line=$(grep "^$p module $i " "$log")
		want="size=$(stat -c %s "$f") crc32=0x$(crc32 "$f") string=$s"
		case $line in
		*" $want") ok "$name: module $i" ;;
		*) bad "$name: module $i is '$line', want ...'$want'" ;;
		esac
		start=$(sed -n 's/.* start=\(0x[0-9a-f]*\) .*/\1/p' <<<"$line")
		[ -n "$start" ] && [ $((start % 4096)) = 0 ] || bad "$name: module $i not page aligned ($start)"
	done
	grep -q "^$p mmap base=0x0 len=0x[0-9a-f]* type=1" "$log" && ok "$name: memory map" ||
		bad "$name: no RAM at 0 in the memory map"
}

boot() { # boot NAME LOG QEMU-ARGS...
	local name=$1 log=$2 rc
	shift 2
	timeout "$timeout_s" "$qemu" -M q35 -m 256 -display none -no-reboot -monitor none \
		-serial "file:$log" "$@" </dev/null >"$log.stderr" 2>&1
	rc=$?
	if [ $rc = 0 ]; then ok "$name: QEMU exited by itself"; else bad "$name: QEMU rc=$rc $(head -c 300 "$log.stderr")"; fi
}

for k in mb1.elf mb1-aout.bin mb12.elf; do
	[ -f "$dir/$k" ] || { bad "$dir/$k is missing (make -f tests/kernels/Makefile)"; continue; }
	(cd "$work" && boot "$k (QEMU -kernel)" "$work/$k.log" -kernel "$dir/$k" \
		-append "kx direct test" -initrd "mod1 arg1 arg2,mod2") >"$work/out"
	cat "$work/out"
	pass=$((pass + $(grep -c '^ok' "$work/out"))); fail=$((fail + $(grep -c '^FAIL' "$work/out")))
	check_log "$work/$k.log" KXMB1 " kx direct test" "mod1 arg1 arg2" "mod2" "$k (QEMU -kernel)"
	grep -q '^KXMB1 loader=qemu' "$work/$k.log" || bad "$k: loader name"
done

grub_dir=/usr/lib/grub/i386-pc
if [ "${KX_KERNELS_GRUB:-auto}" != 0 ] && command -v grub-mkrescue >/dev/null &&
	command -v xorriso >/dev/null && [ -d "$grub_dir" ]; then
	for k in mb2.elf mb2-aout.bin mb12.elf; do
		[ -f "$dir/$k" ] || { bad "$dir/$k is missing"; continue; }
		iso=$work/iso-$k
		mkdir -p "$iso/boot/grub"
		cp "$dir/$k" "$work/mod1" "$work/mod2" "$iso/boot/"
		cat >"$iso/boot/grub/grub.cfg" <<-CFG
			set timeout=0
			set default=0
			menuentry "kx test" {
			  multiboot2 /boot/$k kx grub test
			  module2 /boot/mod1 arg1 arg2
			  module2 /boot/mod2
			  boot
			}
		CFG
		if ! grub-mkrescue -d "$grub_dir" -o "$work/$k.iso" "$iso" >"$work/mkrescue.log" 2>&1; then
			bad "$k: grub-mkrescue failed: $(tail -2 "$work/mkrescue.log")"
			continue
		fi
		(boot "$k (GRUB multiboot2)" "$work/$k.grublog" -cdrom "$work/$k.iso") >"$work/out"
		cat "$work/out"
		pass=$((pass + $(grep -c '^ok' "$work/out"))); fail=$((fail + $(grep -c '^FAIL' "$work/out")))
		# GRUB 2 gives multiboot2 modules their arguments only, without the path
		check_log "$work/$k.grublog" KXMB2 "kx grub test" "arg1 arg2" "" "$k (GRUB)"
		grep -q '^KXMB2 acpi_old sig="RSD PTR " .* csum=ok' "$work/$k.grublog" &&
			ok "$k (GRUB): ACPI RSDP" || bad "$k (GRUB): no valid ACPI RSDP tag"
		grep -q '^KXMB2 mmap entry_size=24 entry_version=0' "$work/$k.grublog" ||
			bad "$k (GRUB): memory map tag"
	done
elif [ "${KX_KERNELS_GRUB:-auto}" = 1 ]; then
	bad "GRUB boots asked for, but grub-mkrescue, xorriso or $grub_dir is missing"
else
	echo "skip multiboot 2 boots through GRUB (KX_KERNELS_GRUB=0, or grub-pc-bin, xorriso or mtools missing)"
fi

[ "$fail" = 0 ] || { echo "logs kept in $work"; trap - EXIT; }
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
