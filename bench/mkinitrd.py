#!/usr/bin/env python3
"""mkinitrd.py OUT SIZE BASE_GZ

Writes kernel B's benchmark initrd: exactly SIZE bytes, incompressible.

  BASE_GZ                  a gzip'd newc cpio (busybox + /init of kernel B)
  zero padding to 4 bytes  (the kernel's unpacker skips zeros between archives)
  newc cpio, uncompressed: /payload.bin, random bytes filling the rest
  zero padding to SIZE     (fewer than 4 + 124 bytes)

Prints the sha256 of /payload.bin on stdout (kernel B's /init prints the sha256
of the payload it got: "KXB-PAYLOAD: <sha256>").
"""
import hashlib
import os
import sys

NAME = b"payload.bin\0"


def newc_header(ino, mode, size, name):
    fields = [ino, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, len(name), 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields) + name


def pad4(n):
    return (4 - n % 4) % 4


def main():
    out, size, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(base, "rb") as f:
        gz = f.read()
    head = gz + b"\0" * pad4(len(gz))
    hdr_len = 110 + len(NAME)
    trailer = newc_header(0, 0, 0, b"TRAILER!!!\0")
    overhead = len(head) + hdr_len + pad4(hdr_len) + len(trailer) + pad4(len(trailer))
    payload_len = (size - overhead) & ~3
    if payload_len <= 0:
        sys.exit("mkinitrd.py: SIZE too small")
    hdr = newc_header(1, 0o100644, payload_len, NAME)
    sha = hashlib.sha256()
    with open(out, "wb") as f:
        f.write(head)
        f.write(hdr + b"\0" * pad4(len(hdr)))
        left = payload_len
        while left:
            chunk = os.urandom(min(left, 1 << 20))
            sha.update(chunk)
            f.write(chunk)
            left -= len(chunk)
        f.write(trailer + b"\0" * pad4(len(trailer)))
        f.write(b"\0" * (size - f.tell()))
    assert os.path.getsize(out) == size
    print(sha.hexdigest())


if __name__ == "__main__":
    main()
