#!/usr/bin/env python3
"""sizes.py KX_STATIC PURGATORY_BIN KEXEC_TOOLS_DIR [ARCH=KX_STATIC...] > sizes.csv

Sizes of what each tool needs on the target, as CSV (what,bytes,note):
kx's stripped static binary (its purgatory embedded) and the purgatory blob;
Debian's kexec (dynamically linked, stripped), the purgatory embedded in it
(a relocatable x86_64 ELF object that kexec-tools links at load time; found by
scanning the binary for an ELF header and measuring it to the end of its
section header table), and kexec with the shared libraries it needs in an
initramfs (KEXEC_TOOLS_DIR/guest, see fetch-kexec-tools.sh). ARCH=PATH: the
other architectures' kx-static, those that were built. BENCH_STATIC_UNPACK: the
decompressors kx-static carries (Makefile's STATIC_UNPACK).
"""
import os
import struct
import subprocess
import sys


def embedded_elf(path):
    """(offset, size) of the first ELF64 relocatable object inside path."""
    b = open(path, "rb").read()
    i = 1
    while True:
        i = b.find(b"\x7fELF\x02\x01", i)
        if i < 0:
            return None
        e_type = struct.unpack_from("<H", b, i + 16)[0]
        shoff = struct.unpack_from("<Q", b, i + 0x28)[0]
        shentsize, shnum = struct.unpack_from("<HH", b, i + 0x3A)
        if e_type == 1 and shentsize == 64 and 0 < shnum < 256 and shoff < len(b) - i:
            return i, shoff + shentsize * shnum
        i += 1


def sections(path):
    """'.text 1234, .rodata 567, ...' from size -A."""
    try:
        out = subprocess.run(["size", "-A", path], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""
    parts = []
    for ln in out.splitlines():
        f = ln.split()
        if len(f) >= 2 and f[0] in (".text", ".rodata", ".eh_frame", ".data", ".data.rel.ro"):
            parts.append("%s %s" % (f[0], f[1]))
    return "; ".join(parts)


def main():
    kx, purg, ktdir = sys.argv[1:4]
    print("what,bytes,note")
    codecs = os.environ.get("BENCH_STATIC_UNPACK", "")
    print("kx-static,%d,stripped static x86_64 (musl) with the purgatory embedded%s: %s"
          % (os.path.getsize(kx), " and the decompressors %s" % codecs if codecs else "", sections(kx)))
    print("kx-purgatory,%d,x86_64 purgatory blob (%s)" % (os.path.getsize(purg), os.path.basename(purg)))
    kexec = os.path.join(ktdir, "guest", "sbin", "kexec")
    ver = open(os.path.join(ktdir, "VERSION")).read().strip()
    codecs = os.environ.get("BENCH_STATIC_UNPACK", "")
    for a in sys.argv[4:]:
        arch, _, path = a.partition("=")
        if os.path.exists(path):
            print("kx-static (%s),%d,stripped static %s (musl)%s: %s"
                  % (arch, os.path.getsize(path), arch, " with %s" % codecs if codecs else "", sections(path)))
    print("kexec (Debian),%d,kexec-tools %s: stripped; dynamically linked" % (os.path.getsize(kexec), ver))
    emb = embedded_elf(kexec)
    if emb:
        print("kexec-tools purgatory,%d,x86_64 relocatable ELF embedded in Debian's kexec at offset 0x%x"
              % (emb[1], emb[0]))
    total, n = 0, 0
    for d, _, files in os.walk(os.path.join(ktdir, "guest")):
        for f in files:
            total += os.path.getsize(os.path.join(d, f))
            n += 1
    print("kexec + libraries,%d,what an initramfs needs for Debian's kexec: kexec + %d shared objects "
          "(glibc; libxenctrl and 7 more Xen libraries)" % (total, n - 1))


if __name__ == "__main__":
    main()
