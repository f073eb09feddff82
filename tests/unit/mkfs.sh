#!/bin/sh
# mkfs.sh OUTDIR: real file systems for test_fsprobe.c, made by their own mkfs
# tools on sparse image files (no root, no loop device, no real disk), each
# cut to the first 128 KiB (KX_FSPROBE_LEN) as OUTDIR/NAME.head, with blkid's
# view of the whole image in OUTDIR/NAME.blkid where blkid is there.
# Exit 77 (and the missing tool on stderr) when a tool is missing: the tools
# are in tests/deps.sh (e2fsprogs dosfstools xfsprogs btrfs-progs xorriso
# fdisk util-linux).
set -eu
out=$1
PATH=$PATH:/usr/sbin:/sbin
for t in mke2fs mkfs.vfat mkfs.xfs mkfs.btrfs xorriso sfdisk mkswap; do
	command -v $t >/dev/null 2>&1 || { echo "no $t (tests/deps.sh installs it)" >&2; exit 77; }
done
mkdir -p "$out"
cd "$out"
img() { rm -f "$1.img"; truncate -s "$2" "$1.img"; }
done_() {
	head -c 131072 "$1.img" >"$1.head"
	if command -v blkid >/dev/null 2>&1; then blkid -p -o export "$1.img" >"$1.blkid" 2>/dev/null || :; fi
	rm -f "$1.img"
}
q() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; }

img ext4 8M; q mke2fs -q -F -t ext4 -U 0123abcd-0000-4000-8000-00000000beef -L BOOTLBL ext4.img; done_ ext4
img ext3 8M; q mke2fs -q -F -t ext3 -U 3e3e3e3e-1111-4222-8333-444444444444 -L "ext3 lab" ext3.img; done_ ext3
img ext2 8M; q mke2fs -q -F -t ext2 -U 2e2e2e2e-1111-4222-8333-444444444444 ext2.img; done_ ext2
# a label of exactly 16 bytes: no NUL in the field
img ext16 8M; q mke2fs -q -F -t ext4 -U 16161616-1111-4222-8333-444444444444 -L sixteen-chars-ab ext16.img; done_ ext16
img fat32 40M; q mkfs.vfat -F 32 -i 1A2b3C4d -n ESPLABEL fat32.img; done_ fat32
img fat16 20M; q mkfs.vfat -F 16 -i deadbeef -n "fat16" fat16.img; done_ fat16
img fat12 2M; q mkfs.vfat -F 12 -i 0000c0de fat12.img; done_ fat12
img xfs 300M; q mkfs.xfs -q -f -m uuid=11111111-2222-3333-4444-555555555555 -L xfslab xfs.img; done_ xfs
img btrfs 128M; q mkfs.btrfs -q -f -U 99999999-2222-3333-4444-555555555555 -L "btr lab" btrfs.img; done_ btrfs
mkdir -p isotree/boot && echo x >isotree/boot/x
rm -f iso.img
q xorriso -outdev iso.img -volid "Vol Thrée" -joliet on -volume_date c 2001020304050607 \
	-volume_date m 2011121314151617 -map isotree /
done_ iso
rm -f isonj.img
q xorriso -outdev isonj.img -volid "PLAIN_ISO" -joliet off -volume_date c 2001020304050607 \
	-volume_date m 2011121314151617 -map isotree /
done_ isonj
rm -rf isotree
img gpt 8M; echo 'label: gpt
label-id: 01234567-89AB-CDEF-0123-456789ABCDEF
size=2M, type=uefi, uuid=A1B2C3D4-E5F6-0718-293A-4B5C6D7E8F90
type=linux, uuid=0FEDCBA9-8765-4321-0FED-CBA987654321' | q sfdisk -q gpt.img
sfdisk --part-uuid gpt.img 2 >gpt.partuuid 2>/dev/null || :; done_ gpt
img dos 8M; echo 'label: dos
label-id: 0x1234abcd
size=2M, type=ef
type=83' | q sfdisk -q dos.img; done_ dos
# swap over an old ext4: mkswap clears only the first KiB, the ext superblock stays
img swap 8M; q mke2fs -q -F -t ext4 swap.img; q mkswap swap.img; done_ swap
exit 0
