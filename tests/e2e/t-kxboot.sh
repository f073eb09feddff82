#!/usr/bin/env bash
# t-kxboot.sh - `kx boot` end to end: six disks (tests/e2e/boot/mkdisks.sh:
# an ESP with BLS type #1 entries, loader.conf and a UKI; a Debian grub root;
# a u-boot-menu extlinux disk; xfs, btrfs and iso9660 volumes; a hostile
# one), attached writable, and one QEMU run with two kexecs:
#   kernel A (initrd with kx and the virtio/file-system modules):
#     kx boot --scan --list and --list --json (every entry: id, format,
#     volume and its file system type, initrd count, command line, bootable
#     or why not, the order, the default and its rule, the timeout; checked
#     on the host by boot/check-list.py), the same for single devices
#     (/dev/vda2: GRUB's "1>2" default; /dev/vdb: extlinux's "default l1";
#     /dev/vde: isolinux's "menu default"), --dry-run of entries on every
#     file system (extlinux's l1 also as JSON with --append: both initrds of
#     its comma list in order, the appended text), the refusal of each
#     hostile entry and of an unknown id (exit status and message), no PLACE
#     (nothing in /boot, /efi, /boot/efi; then the ESP mounted on /efi); then
#     kx boot --scan --default -> kernel B
#   kernel B (the default: BLS kx-two, whose two initrds each carry a random
#     marker file): reports both markers and its two options lines; then
#     kx boot --scan --load-only kx-uki.efi, kx -e -> kernel C
#   kernel C (the UKI): its own .cmdline, and its .initrd (initrd B) intact.
# Afterwards every disk image has the contents it had before: nothing was
# written (kx mounts read-only, without replaying journals).
set -eu
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/boot/lib-kxboot.sh"

kxboot_need_tools
e2e_init
W=$E2E_WORK
nonce=$(e2e_nonce)
E2E_LOG=$W/console.log
E2E_TIMEOUT=$((E2E_TIMEOUT * 2)) # three kernels in one run
V=$(basename "$E2E_VMLINUZ_B")
V=${V#vmlinuz-}
uuid=6b780000-0000-4000-8000-0000000000e4 # mkdisks.sh's root file system

# kernel C (the UKI's .initrd) is initrd B; the other entries' initrds are
# never booted (A plans extlinux l1's two)
build_initrd_b "$W/initrd-b.gz" 2
printf 'placeholder initrd: t-kxboot plans this entry, never boots it\n' >"$W/none.img"

# kernel B (BLS kx-two, the default): two initrds, a marker in each
mkdir -p "$W/b/kxmark" "$W/b2/kxmark"
# shellcheck disable=SC2086 # a list of modules
kxboot_modules "$W/b" $KXBOOT_MODS_HOP
head -c 65536 /dev/urandom >"$W/b/kxmark/one.bin"
head -c 65536 /dev/urandom >"$W/b2/kxmark/two.bin"
one_sha=$(sha256sum "$W/b/kxmark/one.bin" | cut -d' ' -f1)
two_sha=$(sha256sum "$W/b2/kxmark/two.bin" | cut -d' ' -f1)
make_initramfs "$W/b2" "$W/initrd-two2.gz"
cat >"$W/b.sh" <<'S'
. /t.sh
for f in one two; do
	s=$(sha256sum /kxmark/$f.bin 2>&1)
	echo "KXH-B-MARK: $f ${s%% *}"
done
S
cat >>"$W/b.sh" <<S
$KXBOOT_LOAD_MODULES
expect_rc 0 -n "B: kx boot --scan --load-only kx-uki.efi" -- kx boot --scan --load-only kx-uki.efi
kx -e
kxt_fail "B: kx -e" "returned rc=\$? instead of booting the UKI"
S
build_initrd_hop "$W/initrd-two1.gz" "$W/b.sh" "$W/b"

# the disks
KXBOOT_ARGS=$E2E_KARGS KXBOOT_NONCE=$nonce "$E2E_DIR/boot/mkdisks.sh" "$W/disks" "$E2E_VMLINUZ_B" \
	"$W/initrd-two1.gz" "$W/initrd-two2.gz" "$W/none.img" "$W/initrd-b.gz" \
	"$W/none.img" "$W/none.img" || e2e_die "mkdisks.sh failed"
rm -rf "$W/b" "$W/b2"
kxboot_sums "$W/disks" >"$W/sums.before"

# kernel A
mkdir -p "$W/a"
# shellcheck disable=SC2086 # a list of modules
kxboot_modules "$W/a" $KXBOOT_MODS_ALL
cat >"$W/a.sh" <<S
. /t.sh
kxt_note "A: modules from \$(cut -d' ' -f1 /proc/uptime) s"
$KXBOOT_LOAD_MODULES
kxt_note "A: checks from \$(cut -d' ' -f1 /proc/uptime) s"
# json TAG ARGS...: kx boot ARGS's output on the console, each line tagged
json() {
	t=\$1
	shift
	kx boot "\$@" >/tmp/out 2>/tmp/err
	echo "\$t-RC: \$?"
	sed "s/^/\$t: /" /tmp/out
	sed "s/^/\$t-ERR: /" /tmp/err
}
json KXL --scan --list
json KXJ --scan --list --json
json KXG /dev/vda2 --list --json
json KXS /dev/vdb --list --json
json KXI /dev/vde --list --json
json KXP /dev/vdb --dry-run --json --append=kxboot.appended=1 l1
# dry_run NAME ENTRY VOLUME MARKER ARGS...: kx boot ARGS --dry-run plans ENTRY
# from VOLUME, with MARKER in its command line (or its file names)
dry_run() {
	_dn=\$1 _de=\$2 _dv=\$3 _dm=\$4
	shift 4
	expect -n "A: dry-run \$_dn" -o "kx: dry run: boot entry \$_de (" -o ") from \$_dv" -o "\$_dm" \
		-o "kx: dry run: would then boot it (nothing was changed)" -- kx boot --dry-run "\$@"
}
dry_run "a-older (BLS)" "a-older" /dev/vda1 "command line: $E2E_KARGS kxboot.entry=bls-older kxboot.nonce=$nonce" --scan a-older
dry_run "GRUB's default" "gnulinux-6.1.0-56-cloud-amd64-advanced-$uuid" /dev/vda2 "kxboot.entry=grub-old kxboot.nonce=$nonce" /dev/vda2 --default
dry_run "a GRUB entry by title" "gnulinux-simple-$uuid" /dev/vda2 "kxboot.entry=grub-simple kxboot.nonce=$nonce" --scan "Debian GNU/Linux"
dry_run "the xfs plain kernel" "vmlinuz-6.1.0-71-cloud-amd64" /dev/vdc "/dev/vdc:/boot/vmlinuz-6.1.0-71-cloud-amd64" /dev/vdc vmlinuz-6.1.0-71-cloud-amd64
dry_run "the btrfs plain kernel" "vmlinuz-6.1.0-72-cloud-amd64" /dev/vdd "/dev/vdd:/boot/vmlinuz-6.1.0-72-cloud-amd64" --scan vmlinuz-6.1.0-72-cloud-amd64
dry_run "extlinux's default" "l1" /dev/vdb "kxboot.entry=sys-l1 kxboot.nonce=$nonce" /dev/vdb --default
dry_run "isolinux's menu default" "live-amd64" /dev/vde "kxboot.entry=iso-live kxboot.nonce=$nonce" /dev/vde --default
dry_run "the UKI" "kx-uki.efi" /dev/vda1 "command line: $E2E_KARGS kxboot.entry=uki kxboot.nonce=$nonce" --scan kx-uki.efi
# no PLACE and no --scan: /boot, /efi, /boot/efi (a directory is a volume too;
# lib.sh puts the kernel's config-RELEASE in /boot, nothing else)
expect -n "A: nothing in the usual places" -r 1 -o "kx: no boot entry found on the " \
	-o " looked at; name the directory that holds the boot files (/boot, an ESP), a device, or use --scan." -- kx boot --list
mkdir -p /efi && mount -t vfat -o ro /dev/vda1 /efi
expect -n "A: the ESP mounted at /efi" -o " kx-two " -o " /efi " -o "default: 0 (loader.conf default); timeout 3 s" -- kx boot --list
umount /efi
expect -n "A: refuses evil-symlink" -r 1 -o "kx: boot entry evil-symlink cannot be booted: /vmlinuz-evil leads out of its file system; kx does not follow it." -- kx boot --scan evil-symlink
expect -n "A: refuses evil-relative" -r 1 -o "kx: boot entry evil-relative cannot be booted: /boot/vmlinuz-up leads out of its file system; kx does not follow it." -- kx boot /dev/vdf evil-relative
expect -n "A: inside-link's symlink is followed (to a file that is not a kernel)" -r 1 -o "kx: /dev/vdf:/boot/vmlinuz-in is not a kernel image kx recognises" -x "leads out" -- kx boot /dev/vdf --dry-run inside-link
expect -n "A: refuses evil-dotdot" -r 1 -o "kx: boot entry evil-dotdot cannot be booted: /../../../etc/shadow leads out of its file system; kx does not follow it." -- kx boot /dev/vdf evil-dotdot
expect -n "A: refuses other-arch" -r 1 -o "kx: boot entry other-arch cannot be booted: it is for another architecture (aa64; this is x86_64)." -- kx boot /dev/vdf other-arch
expect -n "A: refuses no-initrd" -r 1 -o "kx: boot entry no-initrd cannot be booted: /initrd-gone.img is missing." -- kx boot /dev/vdf no-initrd
expect -n "A: refuses evil-symlink with --dry-run" -r 1 -o "kx: boot entry evil-symlink cannot be booted: " -- kx boot /dev/vdf --dry-run evil-symlink
expect -n "A: an unknown entry" -r 1 -o "kx: no boot entry has the id or title nosuch-entry; kx boot --list shows them." -- kx boot --scan nosuch-entry
kxt_summary
kxt_note "A: checks done at \$(cut -d' ' -f1 /proc/uptime) s"
kx boot --scan --default
kxt_fail "A: kx boot --scan --default" "returned rc=\$? instead of booting the default"
S
build_initrd_hop "$W/initrd-a.gz" "$W/a.sh" "$W/a"
rm -rf "$W/a"

# shellcheck disable=SC2046 # the drive arguments
KX_E2E_QEMU_ARGS="${KX_E2E_QEMU_ARGS:-} $(kxboot_drives "$W/disks")" \
	run_qemu "$E2E_LOG" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$W/initrd-a.gz" "" || true
log=$E2E_LOG
assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_kxt_pass_count "$log" 19
assert_log_has "$log" "KXT-SUMMARY pass=18 fail=0" "kernel A's checks should all pass"

# nothing was written
kxboot_sums "$W/disks" >"$W/sums.after"
e2e_check "no disk image changed (sha256 before and after)" cmp -s "$W/sums.before" "$W/sums.after"

# the listings, checked on the host
tr -d '\r' <"$log" >"$W/console.txt"
for t in KXL KXJ KXG KXS KXI KXP; do
	assert_log_has "$W/console.txt" "$t-RC: 0" "kx boot's listing $t should exit 0"
done
assert_log_line "$W/console.txt" "KXL: " "kx-two" "the --list table should name kx-two"
e2e_check "--list: kx-two is marked the default (*)" grep -q -E '^KXL: +[0-9]+\* kx-two ' "$W/console.txt"
e2e_check "--list: the default's rule and the timeout" grep -q -F 'KXL: default: 0 (loader.conf default); timeout 3 s' "$W/console.txt"
for id in evil-symlink evil-relative evil-dotdot other-arch no-initrd; do
	e2e_check "--list: $id cannot boot" grep -q -E "^KXL: +[0-9]+  $id .* -- cannot boot: " "$W/console.txt"
done
if ! out=$(python3 "$E2E_DIR/boot/check-list.py" "$W/console.txt" "$nonce" "$V" "$uuid" 2>&1); then
	_e2e_bad "$log" "kx boot --list --json:
$out"
else
	_e2e_ok
	e2e_log "$out"
fi

# exactly these boots, in this order (A's command line has no kxboot.entry)
boots=$(grep -a -E '^(KXA-UP|KXB-CMDLINE):' "$W/console.txt" | grep -o -E 'kxboot\.entry=[a-z0-9-]+' | tr '\n' ' ')
e2e_check "the boots: the default (bls-two), then the UKI; got: $boots" \
	[ "$boots" = "kxboot.entry=bls-two kxboot.entry=uki " ]
# kernel B: the default entry (BLS kx-two, two options lines, two initrds)
assert_log_line "$log" "KXA-UP:" "quiet kxboot.entry=bls-two kxboot.nonce=$nonce" \
	"kernel B should have kx-two's command line (both options lines)"
assert_log_has "$log" "KXH-B-MARK: one $one_sha" "kernel B should have kx-two's first initrd"
assert_log_has "$log" "KXH-B-MARK: two $two_sha" "kernel B should have kx-two's second initrd"
# kernel C: the UKI's own command line and initrd
assert_log_line "$log" "KXB-CMDLINE:" "quiet kxboot.entry=uki kxboot.nonce=$nonce" \
	"kernel C should have the UKI's .cmdline"
assert_log_has "$log" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" "kernel C should have the UKI's .initrd intact"
assert_log_has "$log" "KXB-DONE"
e2e_finish
