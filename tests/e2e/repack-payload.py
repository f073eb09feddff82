#!/usr/bin/env python3
"""repack-payload.py BZIMAGE PACKED OUT - a bzImage whose payload is PACKED
(tests only): the kernel's decompressed payload (vmlinux.bin and its
relocation table, as extract-vmlinux.sh gives it) compressed by another
codec, as the kernel build would have: for every codec but gzip, the
unpacked size (4 bytes, little endian) follows, as Linux's size_append.

The new payload replaces the old one in place: the setup header's
payload_length and syssize are patched, payload_offset stays. The code after
the payload moves, so the bzImage's own decompressor no longer works: only
a loader that unpacks the payload itself (kx's kexec_load plan) can boot
the result. UNPACKED_SIZE is PACKED's unpacked size (given, not guessed).
Usage: repack-payload.py BZIMAGE PACKED UNPACKED_SIZE gzip|other OUT
"""
import struct
import sys


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    bz, packed, size, kind, out = sys.argv[1:]
    b = bytearray(open(bz, "rb").read())
    if b[0x202:0x206] != b"HdrS":
        sys.exit(f"{bz}: not a bzImage")
    sects = b[0x1F1] or 4
    pm = (sects + 1) * 512
    poff, plen = struct.unpack_from("<II", b, 0x248)
    new = open(packed, "rb").read()
    if kind != "gzip":
        new += struct.pack("<I", int(size) & 0xFFFFFFFF)
    start = pm + poff
    img = b[:start] + new + b[start + plen:]
    struct.pack_into("<I", img, 0x24C, len(new))
    struct.pack_into("<I", img, 0x1F4, (len(img) - pm + 15) // 16)
    open(out, "wb").write(img)


if __name__ == "__main__":
    main()
