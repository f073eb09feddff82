#!/usr/bin/env bash
# t-efi.sh - kernel A boots under OVMF (UEFI firmware; QEMU's -kernel goes
# through the EFI stub), three boots:
#   1. kx --dry-run says what EFI state it passes (also to a crash kernel, and
#      that kexec_file_load's kernel passes its own); IMA (a policy measuring
#      KEXEC_KERNEL_CHECK) records the kernel file itself under its path after
#      kx -l (auto mode takes kexec_file_load: the policy written cannot be
#      read back; the original file, not a copy); kernel A writes an EFI
#      variable holding a nonce; then kx -c -l && kx -e: kernel B has EFI
#      runtime services (/sys/firmware/efi, its runtime map) and reads that
#      variable back through efivarfs.
#   2. kx -c -l --noefi -d --serial=ttyS1 && kx -e: kernel B has no EFI, and
#      the purgatory's steps are on the second UART, not the first.
#   3. KX_FAULT=digest kx -c -l --serial=0x2f8 --serial-baud=57600: the
#      corrupted-segment message reaches the second UART, and kernel B never
#      starts.
set -eu
. "$(dirname "$0")/lib.sh"

code=/usr/share/OVMF/OVMF_CODE.fd
vars=/usr/share/OVMF/OVMF_VARS.fd
[ -f "$code" ] && [ -f "$vars" ] || e2e_skip "no OVMF firmware (Debian package ovmf)"
e2e_init

# efivarfs is a module in Debian's cloud kernel: take it from the same package
# (the kernel package named in the cache; fetched once, like fetch.sh does).
kmod_dir=$E2E_CACHE/efivarfs-$(basename "$(dirname "$(dirname "$E2E_VMLINUZ")")")
ko=$kmod_dir/efivarfs.ko
if [ ! -f "$ko" ]; then
	pkg=$(cat "$(dirname "$(dirname "$E2E_VMLINUZ")")/PACKAGE" 2>/dev/null) ||
		e2e_skip "no PACKAGE file next to $E2E_VMLINUZ: cannot find its efivarfs module"
	dl=$(mktemp -d "$E2E_CACHE/.dl.XXXXXX")
	opts=()
	[ "$(id -u)" != 0 ] || opts=(-o APT::Sandbox::User=root)
	(cd "$dl" && apt-get "${opts[@]}" -q download "$pkg" >&2) || { rm -rf "$dl"; e2e_die "apt-get download $pkg failed"; }
	dpkg-deb --fsys-tarfile "$dl"/*.deb | tar -x -C "$dl" --wildcards './lib/modules/*/efivarfs.ko'
	mkdir -p "$kmod_dir.tmp"
	cp "$(find "$dl" -name efivarfs.ko | head -n1)" "$kmod_dir.tmp/efivarfs.ko"
	rm -rf "$dl" "$kmod_dir"
	mv "$kmod_dir.tmp" "$kmod_dir"
fi

nonce=$(e2e_nonce)
guid=4b580000-6566-6900-8000-6b7865666930   # kx's test GUID
var=KxTest-$guid

# Kernel B: this test's own /init (reports EFI, then powers off).
stage=$(mktemp -d "$E2E_WORK/stage-b.XXXXXX")
_e2e_stage_base "$stage"
cp "$ko" "$stage/efivarfs.ko"
cat >"$stage/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec >/dev/ttyS0 2>&1
echo "KXB-UP: kernel \$(uname -r), up \$(cut -d" " -f1 /proc/uptime)s"
echo "KXB-CMDLINE: \$(cat /proc/cmdline)"
if [ -d /sys/firmware/efi ]; then
	echo "KXB-EFI: yes, \$(ls /sys/firmware/efi/runtime-map | wc -l) runtime regions"
	insmod /efivarfs.ko && mount -t efivarfs efivarfs /sys/firmware/efi/efivars
	echo "KXB-EFIVAR: \$(tail -c +5 /sys/firmware/efi/efivars/$var 2>&1)"
	echo "KXB-EFILANG: \$(tail -c +5 /sys/firmware/efi/efivars/PlatformLang-8be4df61-93ca-11d2-aa0d-00e098032b8c | tr -d '\\0')"
else
	echo "KXB-EFI: none"
fi
echo "KXB-DONE"
poweroff -f
while :; do sleep 60; done
EOF
chmod 755 "$stage/init"
make_initramfs "$stage" "$E2E_WORK/initrd-b.gz"
rm -rf "$stage"

extra=$E2E_WORK/extra
mkdir -p "$extra"
cp "$ko" "$extra/efivarfs.ko"
export KX_E2E_EXTRA_DIR=$extra
L="/b/vmlinuz --initrd=/b/initrd.gz"

# run NAME TIMEOUT [APPEND]: boot kernel A under OVMF (fresh variables) with
# two UARTs; the second one's output goes to $E2E_WORK/NAME.ttyS1.
run() {
	local name=$1 secs=$2
	cp "$vars" "$E2E_WORK/vars-$name.fd"
	KX_E2E_QEMU_ARGS="-drive if=pflash,format=raw,readonly=on,file=$code \
-drive if=pflash,format=raw,file=$E2E_WORK/vars-$name.fd -serial file:$E2E_WORK/$name.ttyS1" \
		run_qemu "$E2E_WORK/$name.log" "$secs" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a-$name.gz" "${3:-}" ||
		true
}

# --- 1: EFI passed; IMA sees the kernel file itself --------------------------
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
insmod /efivarfs.ko && mount -t efivarfs efivarfs /sys/firmware/efi/efivars
printf '\007\000\000\000$nonce' >/sys/firmware/efi/efivars/$var
echo "KXA-EFILANG: \$(tail -c +5 /sys/firmware/efi/efivars/PlatformLang-8be4df61-93ca-11d2-aa0d-00e098032b8c | tr -d '\\0')"
expect_out "EFI: system table 0x" -n "dry-run shows the EFI hand-off" -- kx --dry-run -c $L
n=\$(ls /sys/firmware/efi/runtime-map | wc -l)
expect_out ", \$n runtime regions" -n "dry-run counts the runtime map" -- kx --dry-run -c $L
expect_out "EFI: not passed: turned off (--noefi)" -n "dry-run --noefi" -- kx --dry-run -c --noefi $L
expect_out "EFI: system table 0x" -n "dry-run -p: the crash kernel gets it too" -- kx --dry-run -p $L
expect_out "kexec_file_load's kernel passes its own EFI state" -n "dry-run -s: the kernel decides" -- kx --dry-run -s --noefi $L
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
if echo "measure func=KEXEC_KERNEL_CHECK" >/sys/kernel/security/ima/policy; then
	# Debian's IMA cannot show its policy once written (no IMA_READ_POLICY):
	# auto mode cannot rule out a kexec rule and takes the file path
	expect_out "syscall: kexec_file_load (auto: IMA's policy is unknown (a custom policy was loaded and cannot be read)" \
		-n "IMA policy loaded: auto takes kexec_file_load" -- kx --dry-run $L
	expect_out "loaded with kexec_file_load" -n "kx -l --noefi (auto, IMA measuring)" -- kx -d -l --noefi $L --append="$E2E_KARGS"
	expect_out " /b/vmlinuz" -n "IMA measured the kernel file under its own path" -- grep -F /b/vmlinuz /sys/kernel/security/ima/ascii_runtime_measurements
	expect_rc 1 -n "IMA saw no copy" -- grep -F memfd /sys/kernel/security/ima/ascii_runtime_measurements
else
	kxt_fail "IMA policy" "could not write /sys/kernel/security/ima/policy"
fi
expect_rc 0 -n "kx -c -l" -- kx -c -l $L --append="$E2E_KARGS efi.nonce=$nonce"
kxt_summary
kx -e
kxt_fail "kx -e" "returned rc=\$?"
EOF
build_initrd_a "$E2E_WORK/initrd-a-efi.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
run efi "$E2E_TIMEOUT" "crashkernel=256M"
log=$E2E_WORK/efi.log
assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-SUMMARY pass=10 fail=0"
assert_log_line "$log" "KXB-CMDLINE:" "efi.nonce=$nonce"
assert_log_line "$log" "KXB-EFI:" "runtime regions" "kernel B should have EFI runtime services"
assert_log_line "$log" "KXB-EFIVAR:" "$nonce" "kernel B should read the variable kernel A wrote"
lang=$(log_value "$log" "KXA-EFILANG:")
e2e_check "kernel A reads PlatformLang" [ -n "$lang" ]
assert_log_line "$log" "KXB-EFILANG:" "$lang" "kernel B should read PlatformLang as kernel A did"

# --- 2: --noefi; the purgatory talks on the second UART -----------------------
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect_rc 0 -n "kx -c -l --noefi -d --serial=ttyS1" -- kx -c -l --noefi -d --serial=ttyS1 $L --append="$E2E_KARGS efi.nonce=$nonce"
kxt_summary
kx -e
kxt_fail "kx -e" "returned rc=\$?"
EOF
build_initrd_a "$E2E_WORK/initrd-a-noefi.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
run noefi "$E2E_TIMEOUT"
log=$E2E_WORK/noefi.log
assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_log_line "$log" "KXB-CMDLINE:" "efi.nonce=$nonce"
assert_log_line "$log" "KXB-EFI:" "none" "with --noefi kernel B should have no EFI"
assert_log_has "$E2E_WORK/noefi.ttyS1" "kx purgatory: started" "the purgatory should talk on ttyS1"
assert_log_has "$E2E_WORK/noefi.ttyS1" "kx purgatory: jumping to 0x"
assert_log_lacks "$log" "kx purgatory:" "nothing from the purgatory on ttyS0"

# --- 3: a corrupt segment, reported on the UART the user chose ---------------
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect_rc 0 -n "kx -l, corrupted digest, --serial=0x2f8" -- env KX_FAULT=digest kx -c -l --serial=0x2f8 --serial-baud=57600 $L --append="$E2E_KARGS"
kxt_summary
kx -e
kxt_fail "kx -e" "returned rc=\$?"
EOF
build_initrd_a "$E2E_WORK/initrd-a-corrupt.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
run corrupt 30 # the purgatory halts: the timeout ends it
log=$E2E_WORK/corrupt.log
assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-PASS kx -l, corrupted digest, --serial=0x2f8"
assert_log_has "$E2E_WORK/corrupt.ttyS1" "is corrupt: digest" "the corruption should be reported on ttyS1"
assert_log_has "$E2E_WORK/corrupt.ttyS1" "Not booting corrupted memory; halted."
assert_log_lacks "$log" "is corrupt" "nothing from the purgatory on ttyS0"
assert_log_lacks "$log" "KXB-" "kernel B must not boot from corrupted memory"
e2e_finish
