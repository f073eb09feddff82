#!/usr/bin/env bash
# t-dryrun-host.sh (32-bit ARM) - on the host: build/arm/kx-static, run by
# qemu-user (qemu-arm), describes the plan for Debian's armmp zImage with
# kx --dry-run --json. Only --dry-run runs here (never a real load): it
# makes no kexec system call. The host has no /sys/firmware/fdt: the device
# tree is QEMU virt's (--dtb), the memory map the host's /proc/iomem (read
# as root: a non-root reader sees zeros).
set -eu
. "$(dirname "$0")/lib.sh"

e2e_init
command -v qemu-arm >/dev/null || e2e_skip "no qemu-arm (package qemu-user) to run the ARM binary"
[ "$(id -u)" = 0 ] || e2e_skip "the host's /proc/iomem shows addresses to root only"
build_initrd_b "$E2E_WORK/initrd.gz" 1
qemu-system-arm -M virt,dumpdtb="$E2E_WORK/virt.dtb" -cpu cortex-a15 -m 1024 -display none \
	>/dev/null 2>&1 || e2e_die "qemu-system-arm could not dump its device tree"
json=$E2E_WORK/plan.json
if qemu-arm "$KX_BIN" --dry-run --json --dtb="$E2E_WORK/virt.dtb" "$E2E_VMLINUZ" \
	--initrd="$E2E_WORK/initrd.gz" --append="console=ttyAMA0 kxtest=dry" >"$json" 2>"$E2E_WORK/err"; then
	e2e_check "dry-run exits 0" true
else
	e2e_check "dry-run should exit 0; stderr: $(cat "$E2E_WORK/err")" false
fi
out=$(python3 - "$json" "$E2E_VMLINUZ" "$E2E_WORK/initrd.gz" <<'PY'
import json, os, sys
p = json.load(open(sys.argv[1]))
k, rd = os.path.getsize(sys.argv[2]), os.path.getsize(sys.argv[3])
err = []
def want(c, m):
    if not c: err.append(m)
want(p["arch"] == "arm" and p["type"] == "zimage", "arm, zimage")
want(p["syscall"] == "kexec_load" and p["fallback"] is None, "kexec_load, no fallback")
want(p["syscall_reason"] == "auto: arm has no kexec_file_load, so kx plans it", "the reason")
segs = p["segments"]
want([s["purpose"] for s in segs] == ["kernel", "initrd", "dtb", "purgatory"], "segment order")
kern, ird, dtb, purg = segs
want(kern["bufsz"] == k and ird["bufsz"] == rd, "the files whole")
want(kern["memsz"] >= k + (1 << 20), "room for the decompressor above the zImage")
want(ird["mem"] >= kern["mem"] + kern["memsz"] and dtb["mem"] >= ird["mem"] + ird["memsz"], "layout")
want(dtb["mem"] % (1 << 20) == 0, "dtb 1 MiB aligned")
want(p["entry"] == purg["mem"], "entry is the purgatory")
h = p["handoff"]
want(h["mode"] == "ARM, MMU off" and h["target"] == kern["mem"], "hand-off to the zImage")
want(h["registers"] == {"r0": 0, "r1": 0, "r2": dtb["mem"]}, "r0 = 0, r1 from the kernel, r2 = dtb")
want(p["verify"] == "xxh64" and p["cmdline"] == "console=ttyAMA0 kxtest=dry", "verify, cmdline")
print("ok" if not err else "; ".join(err))
PY
)
e2e_check "the plan: $out" [ "$out" = ok ]

# ATAGS instead of a device tree (no --dtb: none is needed), with a machine
# type for r1: the list's page at the start of RAM (the 128 MiB aligned base)
# + 0x1000, r2 its address
json=$E2E_WORK/atags.json
if qemu-arm "$KX_BIN" --dry-run --json --atags --mach-type=0x8e0 "$E2E_VMLINUZ" \
	--initrd="$E2E_WORK/initrd.gz" --append="console=ttyAMA0 kxtest=atags" >"$json" 2>"$E2E_WORK/err"; then
	e2e_check "dry-run --atags exits 0" true
else
	e2e_check "dry-run --atags should exit 0; stderr: $(cat "$E2E_WORK/err")" false
fi
out=$(python3 - "$json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
err = []
def want(c, m):
    if not c: err.append(m)
want(p["type"] == "zimage-atags", "type zimage-atags, not " + str(p["type"]))
segs = p["segments"]
want([s["purpose"] for s in segs] == ["kernel", "initrd", "atags", "purgatory"], "segment order")
kern, ird, tags, purg = segs
want(tags["mem"] % (128 << 20) == 0x1000 and tags["memsz"] == 4096, "atags at base + 0x1000, one page")
want(tags["source"] == "built" and 20 + 16 + 16 + 8 < tags["bufsz"] <= 4096, "atags built, its size")
h = p["handoff"]
want(h["registers"] == {"r0": 0, "r1": 0x8e0, "r2": tags["mem"]}, "r1 = 0x8e0, r2 = the list")
print("ok" if not err else "; ".join(err))
PY
)
e2e_check "the --atags plan: $out" [ "$out" = ok ]
rc=0
msg=$(qemu-arm "$KX_BIN" --dry-run --atags --dtb="$E2E_WORK/virt.dtb" "$E2E_VMLINUZ" 2>&1) || rc=$?
[ "$(head -n1 <<<"$msg")" = "$(basename "$KX_BIN"): --atags and --dtb exclude each other: the next kernel gets one or the other." ] ||
	rc="$rc, another message"
e2e_check "--atags with --dtb is refused (exit 2): $msg" [ "$rc" = 2 ]
rc=0
msg=$(qemu-arm "$KX_BIN" --dry-run --mach-type=0 "$E2E_VMLINUZ" 2>&1) || rc=$?
e2e_check "--mach-type=0 is refused (exit 2): $msg" [ "$rc" = 2 ]

# A U-Boot legacy image around the same zImage (mkimage -A arm -O linux -T
# kernel -C none), once the tree has the library's arch-neutral uImage layer
# (lib/uimage.c): planned as the zImage inside.
if [ -f "$E2E_ROOT/lib/uimage.c" ]; then
	python3 - "$E2E_VMLINUZ" "$E2E_WORK/uImage" <<'PY'
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
h = struct.pack(">7I4B", 0x27051956, 0, 0, len(d), 0, 0, zlib.crc32(d), 5, 2, 2, 0) + b"armmp".ljust(32, b"\0")
h = h[:4] + struct.pack(">I", zlib.crc32(h)) + h[8:]
open(sys.argv[2], "wb").write(h + d)
PY
	out=$(qemu-arm "$KX_BIN" --dry-run --dtb="$E2E_WORK/virt.dtb" "$E2E_WORK/uImage" 2>&1) || true
	e2e_check "a uImage around the zImage is planned as the zImage: $out" \
		grep -q "^kx plan: uImage zimage image, 3 segments" <<<"$out"
fi
e2e_finish
