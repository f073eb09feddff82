#!/usr/bin/env bash
# bench.sh [RUNS] - arm64 exec latency with verification on, kx against
# kexec-tools, on the same QEMU guest (qemu-system-aarch64 -M virt -cpu
# cortex-a57, TCG), the same kernel A and B (Debian's arm64 Image), the same
# initrd B (busybox + KX_BENCH_PAYLOAD_MIB, default 32, of random data).
# kexec-tools is Debian 12's arm64 build (2.0.25), downloaded by fetch.sh
# with the libraries it needs and put into initrd A; never committed.
#
# Per run, the host stamps every console line (KX_E2E_TS=1) and measures:
#   exec      from the guest's "KXA-EXEC" line (printed just before kx -e /
#             kexec -e) to kernel B's first line (earlycon: "Booting Linux")
#   purgatory from the purgatory's first line (kx: "kx purgatory: started",
#             kexec-tools: "I'm in purgatory") to kernel B's first line:
#             the digest check, with kx's MMU and caches on or kexec-tools'
#             off, plus the hand-off
# Prints one line per run and a markdown table row of the medians.
# Not part of make check (about 25 s per run).
# Also 32-bit ARM's (../arm/bench.sh): KX_BENCH_LIB (the lib.sh to use),
# KX_BENCH_MACHINE (the table's label), KX_BENCH_KT_ARGS (kexec's extra
# options, default --serial=ttyAMA0), KX_BENCH_KT_NOCHECK=1 (report, not
# assert, whether kexec-tools' kernel B got its initrd intact).
# And ppc64le's (../ppc64le/bench.sh): KX_BENCH_B_ARGS (kernel B's command
# line, default the PL011's), KX_BENCH_B_FIRST (the text of kernel B's first
# line, default "Booting Linux").
set -eu
# shellcheck source=lib.sh
. "${KX_BENCH_LIB:-$(dirname "$0")/lib.sh}"
bench_dir=${PPC_DIR:-${ARM_DIR:-$A64_DIR}}
bench_cache=${PPC_CACHE:-${ARM_CACHE:-$A64_CACHE}}
runs=${1:-3}
mib=${KX_BENCH_PAYLOAD_MIB:-32}
export KX_E2E_TS=1
E2E_NAME=bench
e2e_init
KX_E2E_CACHE=$E2E_CACHE "$bench_dir/fetch.sh" kexec-tools >/dev/null || e2e_die "fetching kexec-tools failed"
kt=$bench_cache/kexec-tools
[ -x "$kt/sbin/kexec" ] || e2e_die "no kexec-tools in $kt"

build_initrd_b "$E2E_WORK/initrd-b.gz" "$mib"
b_args=${KX_BENCH_B_ARGS:-console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1}
b_first=${KX_BENCH_B_FIRST:-Booting Linux}

# initrd A for each tool: kx, or kexec-tools with its libraries
kt_root=$E2E_WORK/extra-kt
mkdir -p "$kt_root"
cp -a "$kt/." "$kt_root/"
cat >"$E2E_WORK/kx.sh" <<EOS
. /t.sh
expect_rc 0 -n "kx -l" -- kx -l -d /b/vmlinuz --initrd=/b/initrd.gz --append="$b_args"
echo "KXA-EXEC"
kx -e
EOS
cat >"$E2E_WORK/kt.sh" <<EOS
. /t.sh
expect_rc 0 -n "kexec -l" -- kexec -l ${KX_BENCH_KT_ARGS---serial=ttyAMA0} /b/vmlinuz --initrd=/b/initrd.gz --append="$b_args"
echo "KXA-EXEC"
kexec -e
EOS
build_initrd_a "$E2E_WORK/a-kx.gz" "$E2E_WORK/kx.sh" "$E2E_WORK/initrd-b.gz"
KX_E2E_EXTRA_DIR=$kt_root build_initrd_a "$E2E_WORK/a-kt.gz" "$E2E_WORK/kt.sh" "$E2E_WORK/initrd-b.gz"

# stamp LOG TEXT: the host time of the first line containing TEXT
stamp() { grep -a -F -m1 -e "$2" "$1" | cut -d' ' -f1; }
# stamp_after LOG MARK TEXT: the same, for the first TEXT after MARK's line
stamp_after() { awk -v m="$2" -v t="$3" 'f && index($0, t) { print $1; exit } index($0, m) { f = 1 }' "$1"; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") print "?"; else printf "%d", (b - a) * 1000 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "?" }'; }

declare -A exec_ms purg_ms
for tool in kx kt; do
	for i in $(seq 1 "$runs"); do
		log=$E2E_WORK/$tool-$i.log
		run_qemu "$log" 180 "$E2E_VMLINUZ" "$E2E_WORK/a-$tool.gz" "" || true
		if [ "$tool" = kx ]; then p="kx purgatory: started"; else p="I'm in purgatory"; fi
		t0=$(stamp "$log" KXA-EXEC)
		tp=$(stamp "$log" "$p")
		tb=$(stamp_after "$log" KXA-EXEC "$b_first")
		if [ "$tool" = kt ] && [ "${KX_BENCH_KT_NOCHECK:-0}" = 1 ]; then
			# recorded, not asserted: a peer that fails is a result too
			if grep -a -q -F "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" "$log"; then r=intact; else r="NOT intact"; fi
			echo "bench: kt run $i: kernel B's initrd $r$(grep -a -m1 -o 'Initramfs unpacking failed.*' "$log" | sed 's/^/: /')"
		else
			assert_log_has "$log" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" "$tool run $i: kernel B should get initrd B intact"
		fi
		exec_ms[$tool]+="$(ms "$t0" "$tb") "
		purg_ms[$tool]+="$(ms "$tp" "$tb") "
		echo "bench: $tool run $i: exec $(ms "$t0" "$tb") ms, purgatory to kernel B $(ms "$tp" "$tb") ms"
	done
done
kx_exec=$(tr ' ' '\n' <<<"${exec_ms[kx]}" | grep . | median)
kt_exec=$(tr ' ' '\n' <<<"${exec_ms[kt]}" | grep . | median)
kx_p=$(tr ' ' '\n' <<<"${purg_ms[kx]}" | grep . | median)
kt_p=$(tr ' ' '\n' <<<"${purg_ms[kt]}" | grep . | median)
kbytes=$(( $(stat -c %s "$E2E_VMLINUZ_B") + $(stat -c %s "$E2E_WORK/initrd-b.gz") ))
echo
echo "| machine | verified | kx exec (purgatory) | kexec-tools 2.0.25 exec (purgatory) |"
echo "|---|---|---|---|"
echo "| ${KX_BENCH_MACHINE:-arm64, QEMU TCG virt cortex-a57}, medians of $runs | $((kbytes >> 20)) MiB | $kx_exec ms ($kx_p ms) | $kt_exec ms ($kt_p ms) |"
e2e_finish
