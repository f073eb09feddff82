#!/usr/bin/env bash
# mkdisks.sh OUTDIR KERNEL TWO1 TWO2 OLDER UKI SYS1 SYS2 - the disks of the
# `kx boot` tests (t-kxboot.sh, t-kxboot-menu.sh), built from scratch without
# root: no mount, no loop device (sfdisk on a file, mkfs.vfat + mtools,
# mke2fs -d, mkfs.xfs -p protofile, mkfs.btrfs --rootdir, xorriso).
#
#   KERNEL  a real bzImage (the Debian kernel), copied wherever an entry
#           names one; its version V comes from its file name (vmlinuz-V)
#   TWO1 TWO2  the two initrds of BLS entry kx-two (the default)
#   OLDER   the initrd of BLS entry a-older (two below the default)
#   UKI     the .initrd of the UKI EFI/Linux/kx-uki.efi (tests/e2e/mkuki.sh)
#   SYS1 SYS2  the initrds of extlinux label l1 (its default), as a comma list
#
# Environment: KXBOOT_ARGS (kernel arguments every entry starts with, e.g.
# "console=ttyS0 panic=-1 quiet"), KXBOOT_NONCE (kxboot.nonce= in every
# entry's command line: proves the command line came from these disks).
# Every entry's command line also names it: kxboot.entry=NAME.
#
# Writes OUTDIR/disk1.img ... disk6.img (attach them in this order as virtio
# disks: vda ... vdf) and OUTDIR/disks (their names, one a line):
#   disk1 vda  GPT: vda1 ESP (vfat): loader/loader.conf (default kx-two*,
#              timeout 3), BLS entries kx-two (sort-key kx, machine-id,
#              version V, two initrds, two options lines), kx-mid (version
#              6.1.0-10-cloud-amd64), a-older (5.10.0-30-amd64) - by the
#              spec's order kx-two, kx-mid, a-older - and the UKI
#              EFI/Linux/kx-uki.efi (os-release ID kx-test, so after them);
#              vda2 ext4 (a Debian root with /boot): boot/grub/grub.cfg as
#              grub-mkconfig writes it (menuentry, "Advanced options"
#              submenu, set default="1>2": the submenu's third entry)
#   disk2 vdb  whole-disk ext4: boot/extlinux/extlinux.conf as Debian's
#              u-boot-menu writes it, labels l0 l0r l1 l1r, "default l1",
#              l1's initrd a comma list (SYS1,SYS2)
#   disk3 vdc  whole-disk xfs: a plain /boot (vmlinuz-6.1.0-71-cloud-amd64 +
#              initrd.img-...), no configuration
#   disk4 vdd  whole-disk btrfs: a plain /boot (-72-)
#   disk5 vde  iso9660 (Rock Ridge, Joliet): isolinux/isolinux.cfg as Debian
#              live writes it, two labels, the second one "menu default"
#   disk6 vdf  whole-disk ext4, hostile: BLS entries evil-symlink (kernel an
#              absolute symlink to /etc/passwd), evil-relative (a relative
#              symlink climbing out), evil-dotdot (an initrd
#              /../../../etc/shadow), other-arch (architecture aa64),
#              no-initrd (its initrd is not there); and inside-link, whose
#              kernel is a relative symlink that stays inside (listed as
#              bootable: the file is not a kernel, which only loading finds)
# The images are sparse; the kernel is the only big file.
set -eu

die() { echo "mkdisks: error: $*" >&2; exit 1; }
[ $# -eq 8 ] || die "usage: mkdisks.sh OUTDIR KERNEL TWO1 TWO2 OLDER UKI SYS1 SYS2"
out=$1 kernel=$2 two1=$3 two2=$4 older=$5 ukird=$6 sys1=$7 sys2=$8
for f in "$kernel" "$two1" "$two2" "$older" "$ukird" "$sys1" "$sys2"; do
	[ -f "$f" ] || die "no file $f"
done
for t in sfdisk mkfs.vfat mcopy mmd mke2fs mkfs.xfs mkfs.btrfs xorriso; do
	command -v "$t" >/dev/null || die "no $t (tests/e2e/deps.txt)"
done
here=$(cd "$(dirname "$0")/.." && pwd)
args=${KXBOOT_ARGS:-console=ttyS0 panic=-1 quiet}
nonce=${KXBOOT_NONCE:-0}
V=$(basename "$kernel")
V=${V#vmlinuz-}
[ "$V" != "$(basename "$kernel")" ] || V=6.1.0-57-cloud-amd64
mid=4b5862e2b0e34ad1a6b6c0ffee000001 # the machine-id of the BLS entries
root_uuid=6b780000-0000-4000-8000-0000000000e4
mkdir -p "$out"
w=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$w"' EXIT
export SOURCE_DATE_EPOCH=1700000000 # fixed times on the ESP (mkfs.vfat, mtools)

# ---- disk 1: GPT, an ESP and a Debian root --------------------------------
esp=$w/esp
mkdir -p "$esp/loader/entries" "$esp/$mid/$V" "$esp/$mid/older" "$esp/EFI/Linux"
cat >"$esp/loader/loader.conf" <<C
# systemd-boot's loader.conf, as bootctl install leaves it, edited
timeout 3
console-mode keep
default kx-two*
editor yes
C
cp "$kernel" "$esp/$mid/$V/linux"
cp "$two1" "$esp/$mid/$V/initrd-1"
cp "$two2" "$esp/$mid/$V/initrd-2"
cp "$older" "$esp/$mid/older/initrd"
cat >"$esp/loader/entries/kx-two.conf" <<C
# Boot Loader Specification type #1 entry, as kernel-install writes it
title      kx BLS, two initrds
version    $V
machine-id $mid
sort-key   kx
options    $args kxboot.entry=bls-two
options    kxboot.nonce=$nonce
linux      /$mid/$V/linux
initrd     /$mid/$V/initrd-1
initrd     /$mid/$V/initrd-2
architecture x64
C
cat >"$esp/loader/entries/kx-mid.conf" <<C
title      kx BLS, middle
version    6.1.0-10-cloud-amd64
machine-id $mid
sort-key   kx
options    $args kxboot.entry=bls-mid kxboot.nonce=$nonce
linux      /$mid/$V/linux
initrd     /$mid/older/initrd
C
cat >"$esp/loader/entries/a-older.conf" <<C
title      kx BLS, older
version    5.10.0-30-amd64
machine-id $mid
sort-key   kx
options    $args kxboot.entry=bls-older kxboot.nonce=$nonce
linux      /$mid/$V/linux
initrd     /$mid/older/initrd
C
KX_UKI_OFFLINE=${KX_UKI_OFFLINE:-0} "$here/mkuki.sh" "$kernel" "$ukird" \
	"$args kxboot.entry=uki kxboot.nonce=$nonce" "$esp/EFI/Linux/kx-uki.efi" >/dev/null 2>"$w/mkuki.log" ||
	{ cat "$w/mkuki.log" >&2; die "mkuki.sh failed"; }
# the stub grub-install writes on every Debian UEFI system: its entries are the
# root file system's, found twice (here and there) and listed once
mkdir -p "$esp/EFI/debian"
printf "search.fs_uuid %s root hd0,gpt2 \nset prefix=(\$root)'/boot/grub'\nconfigfile \$prefix/grub.cfg\n" \
	"$root_uuid" >"$esp/EFI/debian/grub.cfg"
mkfs.vfat -C -n KXESP -i 4b58e5f0 "$w/p1.img" $((80 * 1024)) >/dev/null
(cd "$esp" && find . -mindepth 1 -type d | LC_ALL=C sort | sed 's|^\./||' |
	while read -r d; do mmd -i "$w/p1.img" "::$d"; done)
(cd "$esp" && find . -type f | LC_ALL=C sort | sed 's|^\./||' |
	while read -r f; do mcopy -i "$w/p1.img" "$f" "::$f"; done)

rootfs=$w/root
mkdir -p "$rootfs/boot/grub" "$rootfs/etc"
old=6.1.0-56-cloud-amd64
cp "$kernel" "$rootfs/boot/vmlinuz-$V"
cp "$kernel" "$rootfs/boot/vmlinuz-$old"
printf 'kx test initrd %s\n' "$V" >"$rootfs/boot/initrd.img-$V"
printf 'kx test initrd %s\n' "$old" >"$rootfs/boot/initrd.img-$old"
echo "UUID=$root_uuid / ext4 errors=remount-ro 0 1" >"$rootfs/etc/fstab"
g() { # g TITLE ID KVER EXTRA INDENT: one menuentry as 10_linux writes it
	cat <<C
$5menuentry '$1' --class debian --class gnu-linux --class gnu --class os \$menuentry_id_option '$2' {
$5	load_video
$5	insmod gzio
$5	if [ x\$grub_platform = xxen ]; then insmod xzio; insmod lzopio; fi
$5	insmod part_gpt
$5	insmod ext2
$5	search --no-floppy --fs-uuid --set=root $root_uuid
$5	echo	'Loading Linux $3 ...'
$5	linux	/boot/vmlinuz-$3 root=UUID=$root_uuid ro $4
$5	echo	'Loading initial ramdisk ...'
$5	initrd	/boot/initrd.img-$3
$5}
C
}
{
	cat <<'C'
#
# DO NOT EDIT THIS FILE
#
# It is automatically generated by grub-mkconfig using templates
# from /etc/grub.d and settings from /etc/default/grub
#

### BEGIN /etc/grub.d/00_header ###
if [ -s $prefix/grubenv ]; then
  set have_grubenv=true
  load_env
fi
if [ "${next_entry}" ] ; then
   set default="${next_entry}"
   set next_entry=
   save_env next_entry
   set boot_once=true
else
   set default="1>2"
fi

if [ x"${feature_menuentry_id}" = xy ]; then
  menuentry_id_option="--id"
else
  menuentry_id_option=""
fi

export menuentry_id_option

if [ "${prev_saved_entry}" ]; then
  set saved_entry="${prev_saved_entry}"
  save_env saved_entry
  set prev_saved_entry=
  save_env prev_saved_entry
  set boot_once=true
fi

function savedefault {
  if [ -z "${boot_once}" ]; then
    saved_entry="${chosen}"
    save_env saved_entry
  fi
}
function load_video {
  if [ x$feature_all_video_module = xy ]; then
    insmod all_video
  else
    insmod efi_gop
    insmod efi_uga
    insmod ieee1275_fb
    insmod vbe
    insmod vga
    insmod video_bochs
    insmod video_cirrus
  fi
}

if [ x$feature_default_font_path = xy ] ; then
   font=unicode
else
insmod part_gpt
insmod ext2
C
	echo "search --no-floppy --fs-uuid --set=root $root_uuid"
	cat <<'C'
    font="/usr/share/grub/unicode.pf2"
fi

if loadfont $font ; then
  set gfxmode=auto
  load_video
  insmod gfxterm
  set locale_dir=$prefix/locale
  set lang=en_US
  insmod gettext
fi
terminal_output gfxterm
if [ "${recordfail}" = 1 ] ; then
  set timeout=30
else
  if [ x$feature_timeout_style = xy ] ; then
    set timeout_style=menu
    set timeout=5
  # Fallback normal timeout code in case the timeout_style feature is
  # unavailable.
  else
    set timeout=5
  fi
fi
### END /etc/grub.d/00_header ###

### BEGIN /etc/grub.d/05_debian_theme ###
set menu_color_normal=cyan/blue
set menu_color_highlight=white/blue
### END /etc/grub.d/05_debian_theme ###

### BEGIN /etc/grub.d/10_linux ###
function gfxmode {
	set gfxpayload="${1}"
}
set linux_gfx_mode=
export linux_gfx_mode
C
	g "Debian GNU/Linux" "gnulinux-simple-$root_uuid" "$V" "$args kxboot.entry=grub-simple kxboot.nonce=$nonce" ""
	echo "submenu 'Advanced options for Debian GNU/Linux' \$menuentry_id_option 'gnulinux-advanced-$root_uuid' {"
	g "Debian GNU/Linux, with Linux $V" "gnulinux-$V-advanced-$root_uuid" "$V" "$args kxboot.entry=grub-new kxboot.nonce=$nonce" "	"
	g "Debian GNU/Linux, with Linux $V (recovery mode)" "gnulinux-$V-recovery-$root_uuid" "$V" "$args single kxboot.entry=grub-new-recovery kxboot.nonce=$nonce" "	"
	g "Debian GNU/Linux, with Linux $old" "gnulinux-$old-advanced-$root_uuid" "$old" "$args kxboot.entry=grub-old kxboot.nonce=$nonce" "	"
	g "Debian GNU/Linux, with Linux $old (recovery mode)" "gnulinux-$old-recovery-$root_uuid" "$old" "$args single kxboot.entry=grub-old-recovery kxboot.nonce=$nonce" "	"
	echo "}"
	cat <<'C'

### END /etc/grub.d/10_linux ###

### BEGIN /etc/grub.d/30_uefi-firmware ###
if [ "$grub_platform" = "efi" ]; then
	fwsetup --is-supported
	if [ "$?" = 0 ]; then
		menuentry 'UEFI Firmware Settings' $menuentry_id_option 'uefi-firmware' {
			fwsetup
		}
	fi
fi
### END /etc/grub.d/30_uefi-firmware ###

### BEGIN /etc/grub.d/40_custom ###
# This file provides an easy way to add custom menu entries.  Simply type the
# menu entries you want to add after this comment.  Be careful not to change
# the 'exec tail' line above.
### END /etc/grub.d/40_custom ###
C
} >"$rootfs/boot/grub/grub.cfg"
mke2fs -q -F -t ext4 -L kxroot -U "$root_uuid" -E root_owner=0:0 -d "$rootfs" "$w/p2.img" 40M >/dev/null

# The GPT: 1 MiB of header, the ESP, the root, 1 MiB of backup table.
sz1=$(stat -c %s "$w/p1.img")
sz2=$(stat -c %s "$w/p2.img")
d1=$out/disk1.img
rm -f "$d1"
truncate -s $((1 + sz1 / 1048576 + sz2 / 1048576 + 1))M "$d1"
sfdisk -q "$d1" <<C
label: gpt
label-id: 4B580000-0000-4000-8000-00000000D15C
first-lba: 2048
start=2048, size=$((sz1 / 512)), type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI System", uuid=4B580000-0000-4000-8000-0000000000E1
start=$((2048 + sz1 / 512)), size=$((sz2 / 512)), type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="kxroot", uuid=4B580000-0000-4000-8000-0000000000E2
C
dd if="$w/p1.img" of="$d1" bs=1M seek=1 conv=notrunc,sparse status=none
dd if="$w/p2.img" of="$d1" bs=1M seek=$((1 + sz1 / 1048576)) conv=notrunc,sparse status=none

# ---- disk 2: whole-disk ext4, extlinux.conf as u-boot-menu writes it -------
ub=$w/uboot
mkdir -p "$ub/boot/extlinux"
new=6.1.0-58-cloud-amd64
cp "$kernel" "$ub/boot/vmlinuz-$new"
printf 'kx test initrd %s\n' "$new" >"$ub/boot/initrd.img-$new"
cp "$kernel" "$ub/boot/vmlinuz-$V"
cp "$sys1" "$ub/boot/initrd.img-$V"
cp "$sys2" "$ub/boot/kxmarker-$V.img"
{
	cat <<'C'
## /boot/extlinux/extlinux.conf
##
## IMPORTANT WARNING
##
## The configuration of this file is generated automatically.
## Do not edit this file manually, use: u-boot-update

default l1
menu title U-Boot menu
prompt 0
timeout 50

C
	for k in "$new:l0" "$V:l1"; do
		kv=${k%%:*} l=${k#*:}
		ir=/boot/initrd.img-$kv
		[ "$kv" != "$V" ] || ir="$ir,/boot/kxmarker-$V.img"
		printf '\nlabel %s\n\tmenu label Debian GNU/Linux 12 (bookworm) %s\n\tlinux /boot/vmlinuz-%s\n\tinitrd %s\n\t\n\tappend %s kxboot.entry=sys-%s kxboot.nonce=%s\n' \
			"$l" "$kv" "$kv" "$ir" "$args" "$l" "$nonce"
		printf '\nlabel %sr\n\tmenu label Debian GNU/Linux 12 (bookworm) %s (rescue target)\n\tlinux /boot/vmlinuz-%s\n\tinitrd %s\n\t\n\tappend %s single kxboot.entry=sys-%sr kxboot.nonce=%s\n' \
			"$l" "$kv" "$kv" "$ir" "$args" "$l" "$nonce"
	done
} >"$ub/boot/extlinux/extlinux.conf"
rm -f "$out/disk2.img"
mke2fs -q -F -t ext4 -L kxuboot -E root_owner=0:0 -d "$ub" "$out/disk2.img" 48M >/dev/null

# ---- disk 3: xfs, a plain /boot (mkfs.xfs -p: a protofile, no mount) -------
xv=6.1.0-71-cloud-amd64
printf 'kx test initrd %s (xfs)\n' "$xv" >"$w/xfs-initrd"
cat >"$w/xfs.proto" <<C
kx-e2e
0 0
d--755 0 0
boot d--755 0 0
vmlinuz-$xv ---644 0 0 $kernel
initrd.img-$xv ---644 0 0 $w/xfs-initrd
\$
\$
C
rm -f "$out/disk3.img"
truncate -s 300M "$out/disk3.img"
mkfs.xfs -q -f -L kxxfs -p "$w/xfs.proto" "$out/disk3.img"

# ---- disk 4: btrfs, a plain /boot (mkfs.btrfs --rootdir) -------------------
bt=$w/btrfs
bv=6.1.0-72-cloud-amd64
mkdir -p "$bt/boot"
cp "$kernel" "$bt/boot/vmlinuz-$bv"
printf 'kx test initrd %s (btrfs)\n' "$bv" >"$bt/boot/initrd.img-$bv"
rm -f "$out/disk4.img"
truncate -s 128M "$out/disk4.img"
mkfs.btrfs -q -f -L kxbtrfs --rootdir "$bt" "$out/disk4.img" >/dev/null

# ---- disk 5: iso9660, isolinux.cfg as a Debian live image has it -----------
iso=$w/iso
lv=6.1.0-73-cloud-amd64
mkdir -p "$iso/isolinux" "$iso/live"
cp "$kernel" "$iso/live/vmlinuz-$lv"
printf 'kx test initrd %s (iso9660)\n' "$lv" >"$iso/live/initrd.img-$lv"
cat >"$iso/isolinux/isolinux.cfg" <<C
default vesamenu.c32
prompt 0
timeout 0
menu title Live Boot Menu

label live-amd64-failsafe
	menu label Live system (amd64 fail-safe mode)
	linux /live/vmlinuz-$lv
	initrd /live/initrd.img-$lv
	append boot=live components memtest noapic noapm nodma nomce nosmp nosplash vga=788 $args kxboot.entry=iso-failsafe kxboot.nonce=$nonce

label live-amd64
	menu label ^Live system (amd64)
	menu default
	linux /live/vmlinuz-$lv
	initrd /live/initrd.img-$lv
	append boot=live components $args kxboot.entry=iso-live kxboot.nonce=$nonce
C
rm -f "$out/disk5.img"
xorriso -as mkisofs -quiet -R -J -V KXLIVE -o "$out/disk5.img" "$iso" 2>/dev/null

# ---- disk 6: hostile ext4 ----------------------------------------------------
ev=$w/evil
mkdir -p "$ev/loader/entries"
printf 'not a kernel: entries point at it, none can boot\n' >"$ev/vmlinuz-ok"
ln -s /etc/passwd "$ev/vmlinuz-evil"
mkdir -p "$ev/boot"
ln -s ../../../../../etc/passwd "$ev/boot/vmlinuz-up" # relative, and out
ln -s ../vmlinuz-ok "$ev/boot/vmlinuz-in"             # relative, and inside
e() { # e ID TITLE LINES...
	local id=$1 t=$2
	shift 2
	{
		echo "title $t"
		echo "options $args kxboot.entry=$id"
		printf '%s\n' "$@"
	} >"$ev/loader/entries/$id.conf"
}
e evil-symlink "hostile: kernel is an absolute symlink" "linux /vmlinuz-evil"
e evil-dotdot "hostile: initrd escapes with .." "linux /vmlinuz-ok" "initrd /../../../etc/shadow"
e other-arch "hostile: an arm64 entry" "linux /vmlinuz-ok" "architecture aa64"
e no-initrd "hostile: its initrd is missing" "linux /vmlinuz-ok" "initrd /initrd-gone.img"
e evil-relative "hostile: kernel is a relative symlink out" "linux /boot/vmlinuz-up"
e inside-link "a symlink that stays inside" "linux /boot/vmlinuz-in"
rm -f "$out/disk6.img"
mke2fs -q -F -t ext4 -L kxevil -E root_owner=0:0 -d "$ev" "$out/disk6.img" 8M >/dev/null

printf '%s\n' disk1.img disk2.img disk3.img disk4.img disk5.img disk6.img >"$out/disks"
