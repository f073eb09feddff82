#!/bin/sh
# loop.sh: kx boot's volume layer (libkx/bootfs.c) on real file systems,
# through loop devices of image files this script makes: each file system
# probed, mounted read-only without journal replay (the detached fsopen
# mount, and again the mount(2) fallback with KX_FAULT=fsopen:ENOSYS), files
# read, escaping symlinks refused. Root (losetup); by hand, not part of
# make check (CI may not allow loop devices): make build/vols, then
#   sudo tests/bootfs/loop.sh
# Only the loop devices it attaches (read-only, -r) are touched, and detached
# at the end; each image's sha256 is checked unchanged.
set -eu
[ "$(id -u)" = 0 ] || { echo "loop.sh: needs root (losetup)" >&2; exit 77; }
PATH=$PATH:/usr/sbin:/sbin
vols=$(cd "$(dirname "$0")/../.." && pwd)/build/vols
[ -x "$vols" ] || { echo "loop.sh: make build/vols first" >&2; exit 1; }
w=$(mktemp -d /tmp/kx-loop-XXXXXX)
devs=""
cleanup() {
	for d in $devs; do losetup -d "$d" 2>/dev/null || :; done
	rm -rf "$w"
}
trap cleanup EXIT INT TERM
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect() { # expect FILE STRING...
	f=$1; shift
	for s in "$@"; do grep -qF -- "$s" "$f" && ok || { bad "$(basename "$f"): no \"$s\""; cat "$f"; }; done
}

t=$w/tree
mkdir -p "$t/loader/entries"
printf 'title A\nlinux /vmlinuz\n' >"$t/loader/entries/a.conf"
printf 'KERNEL' >"$t/vmlinuz"
ln -s ../../../etc/passwd "$t/esc"
ln -s /etc/passwd "$t/abs"
ln -s vmlinuz "$t/inlink"

cd "$w"
truncate -s 16M ext4.img && mke2fs -q -F -t ext4 -d "$t" -L ext4lab -U 0e0e0e0e-0000-4000-8000-000000000001 ext4.img
truncate -s 16M ext2.img && mke2fs -q -F -t ext2 -d "$t" -L ext2lab ext2.img
truncate -s 40M vfat.img && mkfs.vfat -F 32 -n FATLAB -i 12345678 vfat.img >/dev/null &&
	mcopy -s -i vfat.img "$t/loader" "$t/vmlinuz" ::
truncate -s 128M btrfs.img && mkfs.btrfs -q -f --rootdir "$t" -L btrlab btrfs.img >/dev/null
cat >proto <<EOF
boot
0 0
d--755 0 0
vmlinuz ---644 0 0 $t/vmlinuz
esc l--777 0 0 ../../../etc/passwd
abs l--777 0 0 /etc/passwd
inlink l--777 0 0 vmlinuz
loader d--755 0 0
entries d--755 0 0
a.conf ---644 0 0 $t/loader/entries/a.conf
\$
\$
\$
EOF
truncate -s 300M xfs.img && mkfs.xfs -q -f -L xfslab -p proto xfs.img
xorriso -outdev iso.img -volid ISOLAB -joliet on -map "$t" / >/dev/null 2>&1
# a GPT disk: an ESP (vfat) and an ext4 partition, seen as loopNp1, loopNp2
truncate -s 24M gpt.img
printf 'label: gpt\nsize=8M, type=uefi, uuid=a1b2c3d4-0000-4000-8000-000000000001\ntype=linux, uuid=a1b2c3d4-0000-4000-8000-000000000002\n' |
	sfdisk -q gpt.img
mkfs.vfat --offset 2048 -n ESP gpt.img 8192 >/dev/null
mke2fs -q -F -t ext4 -E offset=$((10240 * 512)) -d "$t" -L root gpt.img 12M
sha256sum *.img >sums

skipped=""
for img in ext4 ext2 vfat btrfs xfs iso gpt; do
	# a driver this kernel lacks (modprobe: what fsopen would load itself)
	fst=$(echo $img | sed 's/^gpt$/ext4/; s/^iso$/iso9660/')
	modprobe -q $fst 2>/dev/null || :
	if ! grep -qw $fst /proc/filesystems; then
		skipped="$skipped $img(no $fst in this kernel)"
		continue
	fi
	if [ $img = gpt ]; then
		d=$(losetup -r -P -f --show $img.img); devs="$devs $d"
		udevadm settle 2>/dev/null || sleep 1
		# without udev there are no /dev nodes for the partitions: made here
		targets=""
		if [ ! -e /sys/class/block/$(basename "$d")p1 ]; then
			skipped="$skipped gpt(this kernel does not scan a loop device's partitions)"
			continue
		fi
		for p in 1 2; do
			n=$(basename "$d")p$p
			[ -b /dev/$n ] && { targets="$targets /dev/$n"; continue; }
			mknod "$w/$n" b $(tr ':' ' ' </sys/class/block/$n/dev)
			targets="$targets $w/$n"
		done
	else
		d=$(losetup -r -f --show $img.img); devs="$devs $d"
		targets=$d
	fi
	for mode in fsopen mount; do
		out=$w/$img-$mode
		if [ $mode = mount ]; then
			KX_FAULT=fsopen:ENOSYS "$vols" $targets -- /loader/entries/a.conf /vmlinuz /esc /abs /inlink /nothing >"$out" 2>"$out.log" || :
		else
			"$vols" $targets -- /loader/entries/a.conf /vmlinuz /esc /abs /inlink /nothing >"$out" 2>"$out.log" || :
		fi
		case $img in
		ext4) expect "$out" "ext4 uuid=0e0e0e0e-0000-4000-8000-000000000001 label=ext4lab" ;;
		ext2) expect "$out" "ext2 uuid=" "label=ext2lab" ;;
		vfat) expect "$out" "vfat uuid=1234-5678 label=FATLAB" ;;
		btrfs) expect "$out" "btrfs uuid=" "label=btrlab" ;;
		xfs) expect "$out" "xfs uuid=" "label=xfslab" ;;
		iso) expect "$out" "iso9660 uuid=" "label=ISOLAB" ;;
		gpt) expect "$out" "vfat uuid=" "label=ESP partuuid=a1b2c3d4-0000-4000-8000-000000000001" \
			"ext4 uuid=" "label=root partuuid=a1b2c3d4-0000-4000-8000-000000000002" \
			"read 1 /vmlinuz: 6 bytes" ;;
		esac
		expect "$out" "read 0 /loader/entries/a.conf: 23 bytes, first line \"title A\"" \
			"read 0 /vmlinuz: 6 bytes, first line \"KERNEL\"" "read 0 /nothing: missing"
		[ $mode = mount ] && expect "$out" " on /run/kx/vol-"
		[ $mode = fsopen ] && expect "$out" "mounted=1"
		if [ $img != vfat ] && [ $img != gpt ]; then
			expect "$out" "read 0 /esc: refused" "read 0 /abs: refused"
			[ $mode = mount ] || [ $img = iso ] || expect "$out" "read 0 /inlink: 6 bytes"
		fi
		echo "$img ($mode): $(grep '^vol' "$out" | tr '\n' ' ')"
	done
done
# nothing left mounted, nothing left in /run/kx, the images unchanged
if grep -q "$w\|/run/kx/vol-" /proc/self/mountinfo; then bad "a mount is left"; else ok; fi
if ls /run/kx/vol-* >/dev/null 2>&1; then bad "/run/kx/vol-* left"; else ok; fi
for d in $devs; do losetup -d "$d"; done
devs=""
sha256sum -c --quiet sums && ok || bad "an image changed"
echo "loop.sh: $pass passed, $fail failed${skipped:+; skipped:$skipped}"
[ $fail = 0 ]
