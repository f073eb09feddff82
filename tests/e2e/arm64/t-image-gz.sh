#!/usr/bin/env bash
# t-image-gz.sh (arm64) - compressed kernels and device tree options:
#   - kernel B as Image.gz (gzip of Debian's Image), loaded in auto mode (kx
#     unpacks it; the kernel's kexec_file_load takes only a plain Image, so
#     kx plans it with kexec_load directly), from a device tree given with
#     --dtb (a copy of /sys/firmware/fdt), then kx -e
#   - the same Image.gz wrapped as an EFI zboot "vmlinuz" (the header of
#     drivers/firmware/efi/libstub/zboot-header.S): planned (--dry-run)
#   - a zboot image with a zstd payload, and a --dtb that is no device
#     tree: refused with one clear sentence
set -eu
. "$(dirname "$0")/lib.sh"

# le32 N: four little-endian bytes
# shellcheck disable=SC2059 # the format is the bytes
le32() { printf "\\$(printf %03o $(($1 & 255)))\\$(printf %03o $(($1 >> 8 & 255)))\\$(printf %03o $(($1 >> 16 & 255)))\\$(printf %03o $(($1 >> 24 & 255)))"; }
# mkzboot PAYLOAD COMP OUT: an EFI zboot image (header only, no PE stub code)
mkzboot() {
	local payload=$1 comp=$2 out=$3 size
	size=$(stat -c %s "$payload")
	{
		printf 'MZ\0\0zimg'
		le32 4096
		le32 "$size"
		le32 0
		le32 0
		printf '%s' "$comp"
		head -c $((0x38 - 24 - ${#comp})) /dev/zero
		printf '\315\043\202\201' # LINUX_PE_MAGIC
		le32 64
		head -c $((4096 - 64)) /dev/zero
		cat "$payload"
	} >"$out"
}

e2e_init
x=$E2E_WORK/extra-root
mkdir -p "$x/b"
gzip -6 -n -c "$E2E_VMLINUZ_B" >"$x/b/Image.gz"
mkzboot "$x/b/Image.gz" gzip "$x/b/vmlinuz.zboot"
printf 'not really zstd' >"$E2E_WORK/zstd-payload"
mkzboot "$E2E_WORK/zstd-payload" zstd "$x/b/zstd.zboot"
e2e_log "Image.gz $(du -k "$x/b/Image.gz" | cut -f1) KiB"

nonce=$(e2e_nonce)
E2E_LOG=$E2E_WORK/console.log
build_initrd_b "$E2E_WORK/initrd-b.gz" 2
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect -n "zboot planned" -o "kx plan: zboot image" -o "kernel " -- kx --dry-run /b/vmlinuz.zboot --initrd=/b/initrd.gz
expect -n "zstd zboot refused" -r 1 -o "compressed with zstd; kx unpacks only gzip" -- kx --dry-run /b/zstd.zboot
expect -n "bad --dtb refused" -r 1 -o "is not a flattened device tree" -- kx --dry-run /b/Image.gz --dtb=/b/initrd.gz
cp /sys/firmware/fdt /tmp/my.dtb
expect_rc 0 -n "kx -l Image.gz" -- kx -l -d /b/Image.gz --dtb=/tmp/my.dtb --initrd=/b/initrd.gz --append="$E2E_KARGS kxtest.nonce=$nonce"
echo "KXA-LOAD-OUTPUT: \$(echo "\$KXT_OUT" | tr '\n' '|')"
kx -e
kxt_fail "kx -e" "returned rc=\$? instead of booting kernel B"
EOF
export KX_E2E_EXTRA_DIR=$x
build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
unset KX_E2E_EXTRA_DIR
run_qemu "$E2E_LOG" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" ""
assert_qemu_rc 0
assert_no_kxt_fail "$E2E_LOG"
assert_kxt_pass_count "$E2E_LOG" 4
assert_log_has "$E2E_LOG" "kx plan: image-gz image" "Image.gz should be unpacked by kx"
assert_log_has "$E2E_LOG" "syscall: kexec_load (auto: the kernel's own loader takes only Image kernels" \
	"auto mode should go straight to kexec_load for Image.gz"
assert_log_line "$E2E_LOG" "KXB-CMDLINE:" "kxtest.nonce=$nonce"
assert_log_has "$E2E_LOG" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" "kernel B should get initrd B intact"
assert_log_has "$E2E_LOG" "KXB-DONE"
e2e_finish
