# shellcheck shell=bash disable=SC2034 # the variables are the tests'
# lib-kxboot.sh - what t-kxboot.sh and t-kxboot-menu.sh share (sourced after
# lib.sh and e2e_init): the host tools check, the modules a guest loads, and
# QEMU's disk arguments.

# kxboot_need_tools: skip (exit 77) when a tool mkdisks.sh needs is missing.
kxboot_need_tools() {
	local t
	for t in sfdisk mkfs.vfat mcopy mmd mke2fs mkfs.xfs mkfs.btrfs xorriso objcopy python3; do
		command -v "$t" >/dev/null ||
			e2e_skip "no $t on the host (tests/e2e/deps.txt: dosfstools mtools fdisk e2fsprogs xfsprogs btrfs-progs xorriso binutils python3)"
	done
}

# The modules of kernel A (every file system the disks hold) and of the hops
# (virtio and vfat only: they boot from the ESP or an ext4, ext4 is built in).
# vfat needs nls_cp437 (its codepage) and nls_ascii (the cloud kernel's
# CONFIG_FAT_DEFAULT_IOCHARSET="ascii"): without nls_ascii the mount fails
# with "FAT-fs (vda1): IO charset ascii not found" (seen in QEMU).
KXBOOT_MODS_ALL="virtio_pci virtio_blk vfat nls_cp437 nls_ascii xfs btrfs isofs"
KXBOOT_MODS_HOP="virtio_pci virtio_blk vfat nls_cp437 nls_ascii"

# kxboot_modules DIR MODULE...: DIR/lib/kxboot/*.ko and its load list.
kxboot_modules() {
	KX_E2E_CACHE=$E2E_CACHE e2e_cache_locked kxboot-modules "$E2E_DIR/boot/modules.sh" "$@" ||
		e2e_die "boot/modules.sh could not provide the modules $*"
}

# The lines a guest scenario starts with: quiet kernel, modules loaded (each
# failure a KXT-FAIL).
# shellcheck disable=SC2016 # guest-side text
KXBOOT_LOAD_MODULES='echo 1 >/proc/sys/kernel/printk
while read -r m; do insmod "/lib/kxboot/$m" || kxt_fail "insmod $m" "rc=$?"; done </lib/kxboot/load'

# kxboot_drives DIR: QEMU arguments attaching DIR's disks (mkdisks.sh's
# order: vda, vdb, ...), writable: kx must not write (kxboot_sums checks).
kxboot_drives() {
	local f
	# shellcheck disable=SC2013 # one name a line, no spaces
	for f in $(cat "$1/disks"); do
		printf -- '-drive file=%s,format=raw,if=virtio ' "$1/$f"
	done
}

# kxboot_sums DIR: a sha256 per disk (before and after the guest ran) of its
# size and of every 4 KiB block that is not all zeros (its offset and bytes):
# a function of the contents alone, but it reads only the data extents
# (SEEK_DATA/SEEK_HOLE) of these sparse images (the xfs one is 300 MiB,
# mkfs.xfs's minimum, for 15 MiB of data), a fraction of sha256sum's time.
# (Hashing the extent map instead is not stable: the host's writeback of
# mke2fs's unwritten extents changes it with the contents unchanged.)
kxboot_sums() {
	python3 - "$1" <<'PY'
import hashlib, os, sys
d, B = sys.argv[1], 4096
zero = bytes(B)
for name in open(os.path.join(d, "disks")).read().split():
    h = hashlib.sha256()
    with open(os.path.join(d, name), "rb") as f:
        fd = f.fileno()
        size = os.fstat(fd).st_size
        h.update(b"size %d\n" % size)
        off = 0
        while off < size:
            try:
                start = os.lseek(fd, off, os.SEEK_DATA) // B * B
            except OSError:  # ENXIO: only a hole is left
                break
            end = os.lseek(fd, start, os.SEEK_HOLE)
            f.seek(start)
            pos = start
            while pos < end:
                n = min(end - pos, 1 << 20)
                buf = f.read(n + -n % B)  # whole blocks (a hole reads as zeros)
                if not buf:
                    break
                for i in range(0, len(buf), B):
                    blk = buf[i:i + B]
                    if blk.count(0) != len(blk):
                        h.update(b"%d\n" % (pos + i))
                        h.update(blk)
                pos += len(buf)
            off = max(pos, end)
    print(h.hexdigest(), name)
PY
}
