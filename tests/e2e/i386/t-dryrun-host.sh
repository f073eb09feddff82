#!/usr/bin/env bash
# t-dryrun-host.sh (i386) - on the host, without root: build/i386/kx-static
# (an i386 binary; x86_64 hosts run it natively) describes the plan for
# Debian's 686 and 686-pae kernels with --dry-run --json. Only --dry-run and
# --check run here (never a real load): no kexec system call is made.
set -eu
. "$(dirname "$0")/lib.sh"

e2e_init
# named kx, as installed: messages start with the program's name
kx=$E2E_WORK/kx
ln -s "$KX_BIN" "$kx"
build_initrd_b "$E2E_WORK/initrd.gz" 1
chmod 755 "$E2E_WORK"
chmod 644 "$E2E_WORK/initrd.gz"
run=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	run=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
for k in "$E2E_VMLINUZ" "$E2E_VMLINUZ_B"; do
	name=$(basename "$k")
	cp "$k" "$E2E_WORK/$name" && chmod 644 "$E2E_WORK/$name"
	json=$E2E_WORK/$name.json
	if "${run[@]}" "$kx" --dry-run --json "$E2E_WORK/$name" --initrd="$E2E_WORK/initrd.gz" \
		--append="console=ttyS0 kxtest=dry" >"$json" 2>"$E2E_WORK/err"; then
		e2e_check "$name: dry-run exits 0" true
	else
		e2e_check "$name: dry-run should exit 0; stderr: $(cat "$E2E_WORK/err")" false
		continue
	fi
	out=$(python3 - "$json" "$E2E_WORK/$name" "$E2E_WORK/initrd.gz" <<'PY'
import json, os, sys
p = json.load(open(sys.argv[1]))
k, rd = os.path.getsize(sys.argv[2]), os.path.getsize(sys.argv[3])
err = []
def want(c, m):
    if not c: err.append(m)
want(p["arch"] == "i386", "arch i386")
want(p["syscall"] == "kexec_load" and p["fallback"] is None, "kexec_load only, no fallback")
want(p["syscall_reason"] == "auto: i386 has no kexec_file_load, so kx plans it", "the reason")
want(p["type"] == "bzimage", "a bzImage")
segs = p["segments"]
want([s["purpose"] for s in segs] == ["kernel", "initrd", "boot-params", "purgatory"], "segment order")
for s in segs:
    want(s["mem"] % 4096 == 0 and s["memsz"] % 4096 == 0, "page aligned " + s["purpose"])
    want(s["bufsz"] <= s["memsz"], "bufsz <= memsz " + s["purpose"])
    want(s["mem"] + s["memsz"] <= 0x38000000, "below 896 MiB: " + s["purpose"])
setup = (open(sys.argv[2], "rb").read(0x1f2)[0x1f1] + 1) * 512
want(segs[0]["bufsz"] == k - setup, "kernel bufsz is the file minus its setup sectors")
want(segs[1]["bufsz"] == rd, "initrd bufsz is the initrd's size")
want(segs[3]["mem"] == p["entry"], "entry is the purgatory")
want(p["handoff"]["mode"] == "32-bit protected mode", "32-bit hand-off")
want(p["handoff"]["target"] == segs[0]["mem"], "target is the kernel's start (code32_start)")
want(p["handoff"]["registers"] == {"esi": segs[2]["mem"]}, "esi is the zero page")
want(p["cmdline"] == "console=ttyS0 kxtest=dry", "command line")
want(p["preflight"]["has_kexec_file_load"] is False, "no kexec_file_load on i386")
r = sorted((s["mem"], s["mem"] + s["memsz"]) for s in segs)
want(all(a[1] <= b[0] for a, b in zip(r, r[1:])), "no overlap")
print("; ".join(err) if err else "ok")
PY
)
	e2e_check "$name: JSON plan checks: $out" [ "$out" = ok ]
done

# -s: refused before anything is read or loaded (still only --dry-run here)
out=$("${run[@]}" "$kx" --dry-run -s "$E2E_WORK/$name" 2>&1) && rc=0 || rc=$?
e2e_check "kx --dry-run -s exits 2 (got $rc)" [ "$rc" = 2 ]
e2e_check "kx --dry-run -s says why: $out" [ "$out" = "kx: kexec_file_load (-s) does not exist on i386; use -c (or no option)." ]
out=$("${run[@]}" "$kx" --check 2>&1) || true
e2e_check "kx --check: no kexec_file_load on i386" grep -q -F "(i386 has no kexec_file_load: kx uses kexec_load)" <<<"$out"
e2e_finish
