#!/usr/bin/env bash
# t-dryrun-host.sh (ppc64le) - on the host: build/ppc64le/kx-static, run by
# qemu-user (qemu-ppc64le), describes the plan for Debian's powerpc64le
# vmlinux with kx --dry-run --json (auto mode: --dtb needs kexec_load, whose
# plan it shows; -s with --dtb is refused). Only --dry-run runs here (never a real
# load): it makes no kexec system call. The host has no /proc/device-tree:
# the device tree is QEMU pseries' (--dtb, dumped by qemu-system-ppc64), the
# memory map the host's /proc/iomem (read as root: a non-root reader sees
# zeros). Without --dtb kx must say that it needs one.
set -eu
. "$(dirname "$0")/lib.sh"

e2e_init
command -v qemu-ppc64le >/dev/null || e2e_skip "no qemu-ppc64le (package qemu-user) to run the ppc64le binary"
[ "$(id -u)" = 0 ] || e2e_skip "the host's /proc/iomem shows addresses to root only"
build_initrd_b "$E2E_WORK/initrd.gz" 1
qemu-system-ppc64 -M pseries,dumpdtb="$E2E_WORK/pseries.dtb" -m 1024 -display none \
	>/dev/null 2>&1 || e2e_die "qemu-system-ppc64 could not dump its device tree"
json=$E2E_WORK/plan.json
if qemu-ppc64le "$KX_BIN" --dry-run --json --dtb="$E2E_WORK/pseries.dtb" "$E2E_VMLINUZ" \
	--initrd="$E2E_WORK/initrd.gz" --append="console=hvc0 kxtest=dry" >"$json" 2>"$E2E_WORK/err"; then
	e2e_check "dry-run exits 0" true
else
	e2e_check "dry-run should exit 0; stderr: $(cat "$E2E_WORK/err")" false
fi
out=$(python3 - "$json" "$E2E_VMLINUZ" "$E2E_WORK/initrd.gz" <<'PY'
import json, os, struct, sys
p = json.load(open(sys.argv[1]))
elf = open(sys.argv[2], "rb").read(4096)
rd = os.path.getsize(sys.argv[3])
# the ELF: e_machine 21, ELFv2, one PT_LOAD at p_paddr 0
machine, = struct.unpack_from("<H", elf, 18)
entry, phoff = struct.unpack_from("<QQ", elf, 24)
flags, = struct.unpack_from("<I", elf, 48)
ptype, _, off, vaddr, paddr, filesz, memsz = struct.unpack_from("<IIQQQQQ", elf, phoff)
err = []
def want(c, m):
    if not c: err.append(m)
want(machine == 21 and flags & 3 == 2 and ptype == 1 and paddr == 0, "Debian's vmlinux as expected")
K64 = 1 << 16
want(p["arch"] == "ppc64le" and p["type"] == "vmlinux", "ppc64le, vmlinux")
want(p["syscall"] == "kexec_load" and p["fallback"] is None, "kexec_load, no fallback")
want(p["syscall_reason"] == "auto: --dtb (kexec_file_load takes no device tree) needs kx's own plan", "the reason")
segs = p["segments"]
want([s["purpose"] for s in segs] == ["kernel", "initrd", "dtb", "purgatory"], "segment order")
kern, ird, dtb, purg = segs
want(kern["bufsz"] == filesz and kern["memsz"] == (memsz + K64 - 1) // K64 * K64, "the PT_LOAD, its memsz")
want(ird["bufsz"] == rd, "the initrd whole")
want(all(s["mem"] % K64 == 0 and s["memsz"] % K64 == 0 for s in segs), "64 KiB aligned")
want(kern["mem"] >= kern["memsz"], "above what the kernel copies itself into")
want(all(s["mem"] + s["memsz"] <= 1 << 30 for s in segs), "inside the real mode area (memory@0: 1 GiB)")
want(ird["mem"] >= kern["mem"] + kern["memsz"] and dtb["mem"] >= ird["mem"] + ird["memsz"], "layout")
want(p["entry"] == purg["mem"] + 0x300, "entry is the purgatory's head")
h = p["handoff"]
want(h["mode"] == "real mode, MMU off" and h["target"] == kern["mem"], "hand-off to the kernel's first byte")
want(h["registers"] == {"r3": dtb["mem"], "r4": kern["mem"], "r5": 0}, "r3 = dtb, r4 = kernel, r5 = 0")
want(p["verify"] == "xxh64" and p["cmdline"] == "console=hvc0 kxtest=dry", "verify, cmdline")
print("ok" if not err else "; ".join(err))
PY
)
e2e_check "the plan: $out" [ "$out" = ok ]

# -s with --dtb: the kernel's kexec_file_load would drop the tree
msg=$(qemu-ppc64le "$KX_BIN" --dry-run -s --dtb="$E2E_WORK/pseries.dtb" "$E2E_VMLINUZ" 2>&1) && rc=0 || rc=$?
e2e_check "-s --dtb is refused (exit $rc): $msg" [ "$msg" = \
	"$(basename "$KX_BIN"): --dtb (kexec_file_load takes no device tree) works only with kexec_load; drop -s or the option." ]

# no --dtb on a host without /proc/device-tree
if qemu-ppc64le "$KX_BIN" --dry-run -c "$E2E_VMLINUZ" >/dev/null 2>"$E2E_WORK/err"; then
	e2e_check "dry-run without a device tree should fail" false
else
	e2e_check "without a device tree: $(cat "$E2E_WORK/err")" grep -qF \
		"a ppc64le kernel needs a device tree, and this system offers none (no /proc/device-tree); give one with --dtb=FILE." \
		"$E2E_WORK/err"
fi
e2e_finish
