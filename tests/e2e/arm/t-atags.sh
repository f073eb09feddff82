#!/usr/bin/env bash
# t-atags.sh (32-bit ARM) - a real ATAGS boot. Debian's armmp kernel (A, QEMU
# virt, one CPU, booted with a device tree) runs
#   kx -l -d --atags --mach-type=0x8e0 --initrd=/b/rd.bin --append=... /b/atags.zimage
#   kx -e
# where atags.zimage is tests/kernels' ATAGS test kernel (a zImage that
# prints the registers it was entered with and walks the tag list on the
# PL011, then powers off; make -f tests/kernels/Makefile arm). The host
# checks what it printed against kx's plan and kernel A's memory: r0 = 0,
# r1 = the machine type asked for, r2 = kx's atags segment, the zImage
# where kx put it; ATAG_CORE first, one ATAG_MEM per run of kernel A's
# System RAM, ATAG_INITRD2 at kx's initrd segment with the file's size and
# CRC32, ATAG_CMDLINE the command line, ATAG_NONE at the end.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
zimage=${KX_E2E_ATAGS_KERNEL:-$E2E_ROOT/build/kernels/arm/atags.zimage}
[ -f "$zimage" ] || e2e_die "no ATAGS test kernel at $zimage (make -f tests/kernels/Makefile arm)"
mach=0x8e0
nonce=$(e2e_nonce)
cmdline="kxatags.nonce=$nonce root=/dev/ram0 two  spaces"
log=$E2E_WORK/console.log
root=$E2E_WORK/root
mkdir -p "$root/b"
cp "$zimage" "$root/b/atags.zimage"
head -c 300007 /dev/urandom >"$root/b/rd.bin"
rd_size=$(stat -c %s "$root/b/rd.bin")
rd_crc=$(python3 -c 'import zlib,sys; print("0x%08x" % zlib.crc32(open(sys.argv[1],"rb").read()))' "$root/b/rd.bin")
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
grep "System RAM" /proc/iomem | sed 's/^/KXA-IOMEM /'
expect_out "0" -n "nothing loaded yet" -- cat /sys/kernel/kexec_loaded
expect_rc 0 -n "kx -l --atags" -- kx -l -d --atags --mach-type=$mach --initrd=/b/rd.bin --append="$cmdline" /b/atags.zimage
echo "\$KXT_OUT" | sed 's/^/KXA-PLAN /'
expect_out "1" -n "loaded" -- cat /sys/kernel/kexec_loaded
kxt_summary
kx -e
kxt_fail "kx -e" "returned rc=\$? instead of booting the ATAGS kernel"
kxt_summary
EOF
build_initrd_hop "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$root"
run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "" || true
assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-SUMMARY pass=3 fail=0"
assert_log_has "$log" "KXATAGS DONE" "the ATAGS test kernel should run to its end"
assert_log_lacks "$log" "KXATAGS error" "the tag list should be well formed"
assert_log_lacks "$log" "KXATAGS HALT" "PSCI SYSTEM_OFF should power the machine off"
out=$(python3 - "$log" "$mach" "$cmdline" "$rd_size" "$rd_crc" <<'PY'
import re, sys
log, mach, cmdline, rd_size, rd_crc = sys.argv[1], int(sys.argv[2], 0), sys.argv[3], int(sys.argv[4]), sys.argv[5]
lines = [l.rstrip("\r\n") for l in open(log, errors="replace")]
err = []
def want(c, m):
    if not c: err.append(m)
def after(prefix):
    return [l.split(prefix, 1)[1] for l in lines if prefix in l]
# kx's plan (kx -l -d): the segments and the hand-off
seg = {}
for l in after("KXA-PLAN "):
    m = re.match(r"\s+(kernel|initrd|atags|purgatory)\s+0x([0-9a-f]+)\s+(\d+)", l)
    if m:
        seg[m.group(1)] = (int(m.group(2), 16), int(m.group(3)))
want(set(seg) == {"kernel", "initrd", "atags", "purgatory"}, "kx's plan should list kernel, initrd, atags, purgatory: %s" % seg)
hand = [l for l in after("KXA-PLAN ") if "MMU off jump to" in l]
want(len(hand) == 1, "kx's plan should have a hand-off line")
if hand and "atags" in seg:
    want("r1=%#x, r2=%#x" % (mach, seg["atags"][0]) in hand[0], "the plan's r1/r2: " + hand[0])
# kernel A's RAM: top-level System RAM, adjacent runs joined
ram = []
for l in after("KXA-IOMEM "):
    m = re.match(r"([0-9a-f]+)-([0-9a-f]+) : System RAM$", l)
    if m:
        s, e = int(m.group(1), 16), int(m.group(2), 16) + 1
        if ram and ram[-1][1] == s:
            ram[-1][1] = e
        else:
            ram.append([s, e])
want(ram, "kernel A's /proc/iomem should show System RAM")
# what the ATAGS kernel saw
k = after("KXATAGS ")
regs = [l for l in k if l.startswith("r0=")]
want(len(regs) == 1, "one register line")
if regs and "atags" in seg:
    want(regs[0] == "r0=0x0 r1=%#x r2=%#x" % (mach, seg["atags"][0]),
         "registers: got %r, want r0=0x0 r1=%#x r2=%#x" % (regs[0], mach, seg["atags"][0]))
img = [l for l in k if l.startswith("image start=")]
if img and "kernel" in seg:
    want(img[0].startswith("image start=%#x " % seg["kernel"][0]), "the zImage runs where kx put it: " + img[0])
tags = [l for l in k if l.startswith("tag ")]
types = [int(re.search(r"type=(0x[0-9a-f]+)", t).group(1), 16) for t in tags]
want(types[:1] == [0x54410001], "ATAG_CORE first: %s" % tags[:1])
want(types[-1:] == [0], "ATAG_NONE last")
want(sorted(types) == sorted([0x54410001] + [0x54410002] * len(ram) + [0x54420005, 0x54410009, 0]),
     "tags: CORE, %d MEM, INITRD2, CMDLINE, NONE; got %s" % (len(ram), ["%#x" % t for t in types]))
want("core flags=0x1 pagesize=4096 rootdev=0x0" in k, "ATAG_CORE's data")
mem = []
for l in k:
    m = re.match(r"mem start=(0x[0-9a-f]+) size=(0x[0-9a-f]+)$", l)
    if m:
        mem.append([int(m.group(1), 16), int(m.group(1), 16) + int(m.group(2), 16)])
want(mem == ram, "ATAG_MEM %s should be kernel A's RAM %s" % (
    [("%#x" % a, "%#x" % b) for a, b in mem], [("%#x" % a, "%#x" % b) for a, b in ram]))
if "initrd" in seg:
    want("initrd2 start=%#x size=%d crc32=%s" % (seg["initrd"][0], rd_size, rd_crc) in k,
         "ATAG_INITRD2: want start=%#x size=%d crc32=%s, got %s" % (seg["initrd"][0], rd_size, rd_crc,
                                                                    [l for l in k if l.startswith("initrd2")]))
want(("cmdline=" + cmdline) in k, "ATAG_CMDLINE: want %r, got %s" % (cmdline, [l for l in k if l.startswith("cmdline")]))
print("ok" if not err else "; ".join(err))
PY
)
e2e_check "the ATAGS kernel saw what kx planned: $out" [ "$out" = ok ]
e2e_finish
