#!/usr/bin/env bash
# t-lpae.sh (32-bit ARM) - Debian's LPAE kernel (linux-image-armmp-lpae) as
# kernel A and B on QEMU virt (Cortex-A15) with 2 GiB of RAM, the upper
# half of it HighMem (lowmem ends at 0x70000000 with the 3G/1G split).
# Kernel A runs
#   kx -l -d /b/vmlinuz --initrd=/b/initrd.gz --append=...
#   kx -e
# (the running device tree, whose /memory kx leaves as it is). Every segment
# must lie in the first 512 MiB of RAM; kernel B must come up with the
# command line and its initrd intact, and see the same RAM as kernel A.
# Not RAM above 4 GiB: with -m 4G or 5G under QEMU 7.2 TCG, kernel A itself
# dies at its first user process ("Unhandled fault: synchronous abort
# (translation table walk)", a page table above 4 GiB), before kx runs
# (docs/arm.md). KX_E2E_LPAE_MEM (MiB) to try another size.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
KX_E2E_CACHE=$E2E_CACHE "$ARM_DIR/fetch.sh" lpae >/dev/null || e2e_die "fetch.sh lpae failed"
for k in "$ARM_CACHE"/kernel-armmp-lpae/boot/vmlinuz-*; do E2E_VMLINUZ=$k; done
[ -f "$E2E_VMLINUZ" ] || e2e_die "no LPAE kernel in $ARM_CACHE/kernel-armmp-lpae/boot"
# shellcheck disable=SC2034 # build_initrd_a puts kernel B in initrd A
E2E_VMLINUZ_B=$E2E_VMLINUZ
export KX_E2E_MEM=${KX_E2E_LPAE_MEM:-2048}
nonce=$(e2e_nonce)
log=$E2E_WORK/console.log
mkdir -p "$E2E_WORK/b"
head -c $((2 << 20)) /dev/urandom >"$E2E_WORK/b/payload.bin"
payload=$(sha256sum "$E2E_WORK/b/payload.bin" | cut -d' ' -f1)
# kernel B's initrd: a scenario that reports what it got (as init-b does)
# and its RAM
cat >"$E2E_WORK/scenario-b.sh" <<EOF
echo "KXB-CMDLINE: \$(cat /proc/cmdline)"
echo "KXB-PAYLOAD: \$(sha256sum /payload.bin | cut -d' ' -f1)"
grep "System RAM" /proc/iomem | sed 's/^/KXB-IOMEM /'
echo "KXB-DONE"
EOF
build_initrd_hop "$E2E_WORK/initrd-b.gz" "$E2E_WORK/scenario-b.sh" "$E2E_WORK/b"
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
grep "System RAM" /proc/iomem | sed 's/^/KXA-IOMEM /'
expect_out "lpae" -n "kernel A is the LPAE kernel" -- uname -r
expect_rc 0 -n "kx -l" -- kx -l -d /b/vmlinuz --initrd=/b/initrd.gz --append="$E2E_KARGS kxtest.nonce=$nonce"
echo "\$KXT_OUT" | sed 's/^/KXA-PLAN /'
kxt_summary
kx -e
kxt_fail "kx -e" "returned rc=\$? instead of booting kernel B"
kxt_summary
EOF
build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "" || true
assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-SUMMARY pass=2 fail=0"
assert_log_line "$log" "KXB-CMDLINE:" "kxtest.nonce=$nonce" \
	"kernel B should get the command line given to kx (nonce $nonce); got: $(log_value "$log" KXB-CMDLINE:)"
assert_log_has "$log" "KXB-PAYLOAD: $payload" \
	"kernel B should get its initrd intact; got: $(log_value "$log" KXB-PAYLOAD:)"
assert_log_has "$log" "KXB-DONE" "kernel B's scenario should run to the end"
out=$(python3 - "$log" "$KX_E2E_MEM" <<'PY'
import re, sys
lines = [l.rstrip("\r\n") for l in open(sys.argv[1], errors="replace")]
err = []
def want(c, m):
    if not c: err.append(m)
def ram(prefix):
    r = []
    for l in lines:
        if prefix in l:
            m = re.search(r"([0-9a-f]+)-([0-9a-f]+) : System RAM", l)
            if m:
                r.append((int(m.group(1), 16), int(m.group(2), 16) + 1))
    return r
a, b = ram("KXA-IOMEM "), ram("KXB-IOMEM ")
want(a and max(e for s, e in a) == 0x40000000 + (int(sys.argv[2]) << 20), "kernel A's RAM should end at 0x40000000 + %s MiB: %s" % (sys.argv[2], a))
want(a == b, "kernel B should see kernel A's RAM: A %s, B %s" % (a, b))
segs = []
for l in lines:
    m = re.search(r"KXA-PLAN\s+(kernel|initrd|dtb|purgatory)\s+0x([0-9a-f]+)\s+\d+\s+0x([0-9a-f]+)", l)
    if m:
        segs.append((m.group(1), int(m.group(2), 16), int(m.group(3), 16)))
want(len(segs) == 4, "kx's plan should have 4 segments: %s" % segs)
want(all(e <= 0x40000000 + (512 << 20) for n, s, e in segs), "every segment in the first 512 MiB of RAM: %s" % segs)
print("ok" if not err else "; ".join(err))
PY
)
e2e_check "LPAE: the plan and kernel B's RAM: $out" [ "$out" = ok ]
e2e_finish
