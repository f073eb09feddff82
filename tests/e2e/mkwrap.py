#!/usr/bin/env python3
"""mkwrap.py - wrap a kernel the ways kx unwraps (tests only):

  mkwrap.py vmlinux-arm64 IMAGE OUT     an ELF64 AArch64 executable holding the
                                        arm64 Image as its one PT_LOAD (at the
                                        kernel's link address, p_memsz from the
                                        header's image_size), as a vmlinux is
  mkwrap.py uimage ARCH COMP PAYLOAD OUT
                                        a U-Boot legacy uImage (type kernel, OS
                                        Linux): ARCH arm64|x86_64, COMP
                                        none|gzip|bzip2|lzma|lzo|lz4|zstd names
                                        what PAYLOAD already is
  mkwrap.py zboot COMP PAYLOAD OUT      an EFI zboot header (no stub code) around
                                        PAYLOAD, compression type COMP
"""
import struct
import sys
import time
import zlib


def vmlinux_arm64(image, out):
    img = open(image, "rb").read()
    if img[0x38:0x3C] != b"ARM\x64":
        sys.exit("mkwrap: %s is not an arm64 Image" % image)
    image_size = struct.unpack_from("<Q", img, 0x10)[0] or len(img)
    va = 0xFFFF800008000000
    ehdr = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + b"\0" * 9,
                       2, 183, 1, va, 64, 0, 0, 64, 56, 1, 64, 0, 0)
    off = 0x10000
    phdr = struct.pack("<IIQQQQQQ", 1, 7, off, va, va, len(img), max(image_size, len(img)), 0x10000)
    data = ehdr + phdr
    open(out, "wb").write(data + b"\0" * (off - len(data)) + img)


def uimage(arch, comp, payload, out):
    arches = {"arm64": 22, "x86_64": 24, "arm": 2}
    comps = ["none", "gzip", "bzip2", "lzma", "lzo", "lz4", "zstd"]
    data = open(payload, "rb").read()
    name = b"kx test uImage"
    h = struct.pack(">IIIIIIIBBBB32s", 0x27051956, 0, int(time.time()), len(data), 0x80000, 0x80000,
                    zlib.crc32(data), 5, arches[arch], 2, comps.index(comp), name)
    h = h[:4] + struct.pack(">I", zlib.crc32(h)) + h[8:]
    open(out, "wb").write(h + data)


def zboot(comp, payload, out):
    data = open(payload, "rb").read()
    h = bytearray(4096)
    h[0:2] = b"MZ"
    h[4:8] = b"zimg"
    struct.pack_into("<II", h, 8, 4096, len(data))
    c = comp.encode()
    h[24:24 + len(c)] = c
    struct.pack_into("<II", h, 0x38, 0x818223CD, 64)
    open(out, "wb").write(bytes(h) + data)


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[:1] == ["vmlinux-arm64"] and len(a) == 3:
        vmlinux_arm64(a[1], a[2])
    elif a[:1] == ["uimage"] and len(a) == 5:
        uimage(a[1], a[2], a[3], a[4])
    elif a[:1] == ["zboot"] and len(a) == 4:
        zboot(a[1], a[2], a[3])
    else:
        sys.exit(__doc__)
