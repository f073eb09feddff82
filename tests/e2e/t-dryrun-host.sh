#!/usr/bin/env bash
# t-dryrun-host.sh - on the host, without root: kx --dry-run --json describes
# a real Debian kernel's plan (unpacked at load with KASLR, as it is with
# --no-unpack, unpacked with nokaslr). Only --dry-run runs here (never a real load):
# it makes no kexec system call.
set -eu
. "$(dirname "$0")/lib.sh"

e2e_init
kx=${KX_HOST_BIN:-$E2E_ROOT/build/kx}
[ -x "$kx" ] || kx=$E2E_ROOT/$KX_BIN
build_initrd_b "$E2E_WORK/initrd.gz" 1
chmod 755 "$E2E_WORK"
chmod 644 "$E2E_WORK/initrd.gz"
cp "$E2E_VMLINUZ" "$E2E_WORK/vmlinuz" && chmod 644 "$E2E_WORK/vmlinuz"

# as nobody when we are root (setpriv from util-linux), else as ourselves
run=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	run=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
json=$E2E_WORK/plan.json
if "${run[@]}" "$kx" --dry-run --json "$E2E_WORK/vmlinuz" --initrd="$E2E_WORK/initrd.gz" \
	--append="console=ttyS0 kxtest=dry" >"$json" 2>"$E2E_WORK/err"; then
	e2e_check "dry-run exits 0" true
else
	e2e_check "dry-run should exit 0; stderr: $(cat "$E2E_WORK/err")" false
fi
# the same with the kernel left to its own decompressor (--no-unpack), and
# unpacked with nokaslr
"${run[@]}" "$kx" --dry-run --json --no-unpack "$E2E_WORK/vmlinuz" --initrd="$E2E_WORK/initrd.gz" \
	--append="console=ttyS0 kxtest=dry" >"$E2E_WORK/asis.json" 2>"$E2E_WORK/err" || true
"${run[@]}" "$kx" --dry-run --json "$E2E_WORK/vmlinuz" --initrd="$E2E_WORK/initrd.gz" \
	--append="console=ttyS0 nokaslr" >"$E2E_WORK/nokaslr.json" 2>"$E2E_WORK/err" || true
"${run[@]}" "$kx" --check --json >"$E2E_WORK/check.json" || true
out=$(python3 - "$json" "$E2E_WORK/vmlinuz" "$E2E_WORK/initrd.gz" "$E2E_WORK/check.json" \
	"$E2E_WORK/asis.json" "$E2E_WORK/nokaslr.json" <<'PY'
import json, os, sys
p = json.load(open(sys.argv[1]))
k, rd = os.path.getsize(sys.argv[2]), os.path.getsize(sys.argv[3])
err = []
def want(c, m):
    if not c: err.append(m)
# auto: the syscall --check says auto mode would use on this host, the other
# one as the fallback unless a policy requires kexec_file_load
c = json.load(open(sys.argv[4]))
want(p["syscall"] == c["auto_syscall"], "auto: the syscall --check names (%s, %s)" % (p["syscall"], c["auto_syscall"]))
want(p["syscall_reason"] == "auto: " + c["auto_reason"], "auto: the reason --check gives")
want(p["fallback"] in (None, "kexec_load" if p["syscall"] == "kexec_file_load" else "kexec_file_load"), "the fallback is the other syscall")
want("lockdown" in p["preflight"], "preflight in the plan")
want(isinstance(p["entry"], int), "entry is a number")
def common(p, tag):
    segs = p["segments"]
    for s in segs:
        for key in ("purpose", "mem", "memsz", "bufsz"):
            want(key in s, tag + "segment has " + key)
        want(s["mem"] % 4096 == 0 and s["memsz"] % 4096 == 0, tag + "page aligned " + s["purpose"])
        want(s["bufsz"] <= s["memsz"], tag + "bufsz <= memsz " + s["purpose"])
    r = sorted((s["mem"], s["mem"] + s["memsz"]) for s in segs)
    want(all(a[1] <= b[0] for a, b in zip(r, r[1:])), tag + "no overlap")
    want(segs[-1]["purpose"] == "purgatory" and segs[-1]["mem"] == p["entry"], tag + "entry is the purgatory")
    want(segs[-3]["bufsz"] == rd, tag + "initrd bufsz is the initrd's size")
    want(p["handoff"]["registers"]["rsi"] == segs[-2]["mem"], tag + "rsi is the zero page")
    return segs
# default: the kernel proper unpacked at load, KASLR on, entered at its own entry
segs = common(p, "")
ks = [s for s in segs if s["purpose"] == "kernel"]
u = p.get("unpack", {})
want([s["purpose"] for s in segs] == ["kernel"] * len(ks) + ["initrd", "boot-params", "purgatory"], "segment order")
want(u.get("done") is True, "unpacked at load (%s)" % u)
want(u.get("codec") in ("gzip", "bzip2", "lzma", "xz", "lzo", "lz4-legacy", "zstd"), "the payload's codec")
want(u.get("relocations", 0) > 10000, "relocations applied")
want(u.get("kaslr") is True and u.get("kaslr_why") == "randomized", "KASLR randomized")
want(ks and ks[0]["mem"] == u.get("phys") and p["handoff"]["target"] == u.get("phys"), "target is the kernel proper's first byte")
want(u.get("phys", 1) % 0x200000 == 0 and u.get("virt_offset", 1) % 0x200000 == 0 and u.get("virt_offset", 0) < 1 << 30, "offsets in 2 MiB slots, below 1 GiB")
want(sum(s["bufsz"] for s in ks) > k, "more kernel bytes than the file")
want(p["cmdline"] == "console=ttyS0 kxtest=dry", "command line")
# --no-unpack: the bzImage as it is
a = json.load(open(sys.argv[5]))
segs = common(a, "as-is: ")
setup = (open(sys.argv[2], "rb").read(0x1f2)[0x1f1] + 1) * 512
want([s["purpose"] for s in segs] == ["kernel", "initrd", "boot-params", "purgatory"], "as-is: segment order")
want(segs[0]["bufsz"] == k - setup, "as-is: kernel bufsz is the file minus its setup sectors")
want(a["handoff"]["target"] == segs[0]["mem"] + 0x200, "as-is: target is kernel + 0x200")
want(a.get("unpack") == {"done": False, "reason": "asked not to: --no-unpack"}, "as-is: the reason (%s)" % a.get("unpack"))
# nokaslr: the preferred address, no virtual offset
n = json.load(open(sys.argv[6]))
u = n.get("unpack", {})
common(n, "nokaslr: ")
want(u.get("done") is True and u.get("kaslr") is False and u.get("kaslr_why") == "off (nokaslr)"
     and u.get("virt_offset") == 0 and u.get("phys") == 0x1000000, "nokaslr: no offsets (%s)" % u)
print("; ".join(err) if err else "ok")
PY
)
e2e_check "JSON plan checks: $out" [ "$out" = ok ]

# kexec-tools' options: taken when they change nothing (said under -d), refused
# with the reason when ignoring them would change what boots
rc=0
"${run[@]}" "$kx" -d --dry-run --args-linux --elf32-core-headers --serial=0x3f8 --noefi \
	"$E2E_WORK/vmlinuz" >/dev/null 2>"$E2E_WORK/err" || rc=$?
e2e_check "kexec-tools options taken (got $rc)" [ "$rc" = 0 ]
e2e_check "-d says why --elf32-core-headers changes nothing" \
	grep -q "debug: --elf32-core-headers changes nothing: kx builds ELF64 core headers" "$E2E_WORK/err"
rc=0
"${run[@]}" "$kx" --dry-run --real-mode "$E2E_WORK/vmlinuz" >/dev/null 2>"$E2E_WORK/err" || rc=$?
e2e_check "--real-mode refused with exit 2 (got $rc)" [ "$rc" = 2 ]
e2e_check "--real-mode: the reason" grep -q "kx: --real-mode is not supported: kx cannot enter a kernel in real mode." "$E2E_WORK/err"

# A kernel cut short inside its payload passes no dry run (it would die in its
# decompressor after the old kernel is gone).
head -c 1048576 "$E2E_WORK/vmlinuz" >"$E2E_WORK/vmlinuz.cut" && chmod 644 "$E2E_WORK/vmlinuz.cut"
rc=0
"${run[@]}" "$kx" --dry-run "$E2E_WORK/vmlinuz.cut" >/dev/null 2>"$E2E_WORK/err" || rc=$?
e2e_check "a cut kernel: exit 1 (got $rc)" [ "$rc" = 1 ]
e2e_check "a cut kernel: 'is truncated' (got: $(cat "$E2E_WORK/err"))" \
	grep -q "vmlinuz.cut is truncated: its bzImage kernel needs" "$E2E_WORK/err"

# A compressed kernel (docs/compression.md): the plan names the wrapping, the
# JSON gives it and both sizes, kexec_file_load would get the unpacked bytes
gzip -1 -n -c "$E2E_WORK/vmlinuz" >"$E2E_WORK/vmlinuz.gz" && chmod 644 "$E2E_WORK/vmlinuz.gz"
rc=0
"${run[@]}" "$kx" --dry-run "$E2E_WORK/vmlinuz.gz" >"$E2E_WORK/out" 2>"$E2E_WORK/err" || rc=$?
e2e_check "vmlinuz.gz: exit 0 (got $rc; $(cat "$E2E_WORK/err"))" [ "$rc" = 0 ]
e2e_check "vmlinuz.gz: the plan names the wrapping" grep -q "^kx plan: gzip-compressed bzimage image" "$E2E_WORK/out"
e2e_check "vmlinuz.gz: a memfd for kexec_file_load" \
	grep -q "kexec_file_load gets: kernel (memfd of the unpacked kernel)" "$E2E_WORK/out"
"${run[@]}" "$kx" --dry-run --json "$E2E_WORK/vmlinuz.gz" >"$E2E_WORK/gz.json" 2>"$E2E_WORK/err" || true
out=$(python3 - "$E2E_WORK/gz.json" "$E2E_WORK/vmlinuz" "$E2E_WORK/vmlinuz.gz" <<'PY'
import json, os, sys
p = json.load(open(sys.argv[1]))
ok = (p["wrapping"] == ["gzip"] and p["unpacked_size"] == os.path.getsize(sys.argv[2])
      and p["packed_size"] == os.path.getsize(sys.argv[3]) and p["type"] == "bzimage")
print("ok" if ok else "got %s" % {k: p.get(k) for k in ("wrapping", "packed_size", "unpacked_size", "type")})
PY
)
e2e_check "vmlinuz.gz JSON: $out" [ "$out" = ok ]
e2e_finish
