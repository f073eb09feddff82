#!/usr/bin/env bash
# run.sh - the QEMU part of `make bench`: kx against Debian's kexec-tools on
# one payload (the Debian kernel + a 96 MiB incompressible initrd), in QEMU
# TCG guests built with the e2e harness (tests/e2e/lib.sh).
#
# Every boot measures one tool: kernel A boots initrd A (busybox, kx-static,
# Debian's kexec + its libraries, rsstime, kernel B, initrd B), loads kernel B
# with the tool under rsstime (load wall time and peak RSS; busybox `time -v`
# around it for comparison), then executes it. QEMU's serial output is dated
# line by line on the host with wall clock and QEMU's CPU time (serial_ts.py):
# exec latency = first line of kernel B (earlyprintk) - "kexec_core: Starting
# new kernel" of kernel A. QEMU is stopped once kernel B has printed its
# command line (checked for this run's nonce): kernel B's boot is not timed.
# Rounds go through every tool in turn, so drift spreads over all of them.
#
# Writes $BENCH_OUT/<stamp>-qemu.csv (one row per boot) and prints it.
#
# Environment:
#   BENCH_ROUNDS      rounds (default 3)
#   BENCH_TOOLS       tools to run, default:
#                     kx-c kx-c-i kx-s kx-auto kexec kexec-i kexec-s
#                     also kx-c-below (an experiment: guest/scenario.sh);
#                     NAME+OPT+OPT adds options to the load command
#                     (e.g. kx-c+--mem-max=0x40000000)
#   BENCH_INITRD_MIB  size of kernel B's initrd (default 96)
#   BENCH_OUT         results dir (default bench/results)
#   BENCH_STAMP       file name prefix (default: UTC date-time)
#   BENCH_CHECK_B=1   let kernel B boot to /init and check the payload's
#                     sha256 (slow in TCG: about +20 s per boot)
#   BENCH_SAY=0       do not ask the purgatories for a line at their entry
#                     (default 1: kx -d, kexec --console-serial; the copy
#                     phase ends at that line)
#   KX_E2E_FLAVOUR    Debian kernel flavour (default here: amd64, the generic
#                     linux-image-amd64); KX_BIN, KX_E2E_MEM, ... as in lib.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
export KX_E2E_FLAVOUR=${KX_E2E_FLAVOUR:-amd64}
export KX_E2E_TIMEOUT=${KX_E2E_TIMEOUT:-240}
# a work dir of our own (other jobs may clean up /tmp/kx-e2e-* while we run)
export KX_E2E_WORKDIR=${KX_E2E_WORKDIR:-${TMPDIR:-/tmp}/kx-bench}
# shellcheck source=../tests/e2e/lib.sh disable=SC1091
. "$root/tests/e2e/lib.sh"
# shellcheck disable=SC2034 # both read by lib.sh
E2E_NAME=bench
# Kernel A: quiet while it boots (the scenario raises the console log level
# just before the exec, so that "Starting new kernel" shows).
# shellcheck disable=SC2034
E2E_KARGS="console=ttyS0 panic=-1 quiet"

rounds=${BENCH_ROUNDS:-3}
tools=${BENCH_TOOLS:-kx-c kx-c-i kx-s kx-auto kexec kexec-i kexec-s}
mib=${BENCH_INITRD_MIB:-96}
out=${BENCH_OUT:-$root/bench/results}
stamp=${BENCH_STAMP:-$(date -u +%Y%m%d-%H%M)}
check_b=${BENCH_CHECK_B:-0}
mkdir -p "$out"
csv=$out/$stamp-qemu.csv

e2e_init
kt_guest=$("$here/fetch-kexec-tools.sh") || e2e_die "could not fetch kexec-tools"
kt_version=$(cat "$kt_guest/../VERSION")

# --- initrd B: busybox + init-b (gzip'd cpio), then the random payload -------
stage=$(mktemp -d "$E2E_WORK/stage-b.XXXXXX")
_e2e_stage_base "$stage"
cp "$E2E_DIR/guest/init-b" "$stage/init"
chmod 755 "$stage/init"
make_initramfs "$stage" "$E2E_WORK/base-b.gz"
rm -rf "$stage"
payload_sha=$(python3 "$here/mkinitrd.py" "$E2E_WORK/initrd-b" "$((mib * 1024 * 1024))" "$E2E_WORK/base-b.gz")
kernel_bytes=$(stat -c %s "$E2E_VMLINUZ_B")
initrd_bytes=$(stat -c %s "$E2E_WORK/initrd-b")
e2e_log "payload: kernel $(basename "$E2E_VMLINUZ_B") $kernel_bytes bytes + initrd $initrd_bytes bytes"

# --- initrd A: one for all boots (the tool is chosen on the command line) -----
nonce=$(e2e_nonce)
bargs="console=ttyS0 panic=-1 earlyprintk=serial,ttyS0 kxbench.nonce=$nonce"
extra=$E2E_WORK/extra-root
mkdir -p "$extra"
cp -a "$kt_guest/." "$extra/"
mkdir -p "$extra/bin"
${STATIC_CC:-musl-gcc} -static -Os -s -Wall -Wextra -o "$extra/bin/rsstime" "$here/guest/rsstime.c" ||
	e2e_die "cannot build bench/guest/rsstime.c (needs musl-tools)"
printf 'BARGS="%s"\nSAY=%s\n' "$bargs" "${BENCH_SAY:-1}" >"$extra/bench.conf"
export KX_E2E_EXTRA_DIR=$extra
build_initrd_a "$E2E_WORK/initrd-a.gz" "$here/guest/scenario.sh" "$E2E_WORK/initrd-b"
unset KX_E2E_EXTRA_DIR

# --- the boots ----------------------------------------------------------------
export KX_E2E_QEMU=$here/qemu-ts.sh
if [ "$check_b" = 1 ]; then
	export BENCH_STOP='KXB-DONE'
else
	export BENCH_STOP='Command line:.*kxbench\.nonce='
fi
echo "tool,round,load_s,load_host_s,load_cpu_s,rss_kb,rss_floor_kb,bb_load_s,bb_rss_kb,bb_floor_kb,exec_s,exec_cpu_s,b_first_line,copy_s,copy_cpu_s,ok,host_load1,kernel,kernel_bytes,initrd_bytes,kexec_tools" >"$csv"
t_start=$(_e2e_ms)
for r in $(seq 1 "$rounds"); do
	for t in $tools; do
		log=$E2E_WORK/console-$t-$r.log
		export BENCH_TSLOG=$E2E_WORK/ts-$t-$r.log
		run_qemu "$log" "$KX_E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "kxbench.tool=$t" || true
		row=$(python3 "$here/report.py" row "$BENCH_TSLOG" "$nonce" "$check_b" "$payload_sha") || row=",,,,,,,,,,,,,0"
		echo "$t,$r,$row,$(cut -d' ' -f1 /proc/loadavg),$(basename "$E2E_VMLINUZ_B"),$kernel_bytes,$initrd_bytes,$kt_version" >>"$csv"
		e2e_log "$t round $r: $(tail -n1 "$csv")"
		case $row in
			*,1) _e2e_ok ;;
			*) _e2e_bad "$log" "$t round $r: no valid measurement (see $BENCH_TSLOG)" ;;
		esac
	done
done
e2e_log "all boots: $(_e2e_secs "$t_start" "$(_e2e_ms)")s; results in $csv"
echo "$csv"
e2e_finish
