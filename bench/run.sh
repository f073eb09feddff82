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
#   BENCH_ARCH        x86_64 (default), arm, i386, ppc64le or arm64: the guest and the peer.
#                     arm: qemu-system-arm virt cortex-a15, 1 GiB, Debian's
#                     armmp zImage (tests/e2e/arm/lib.sh), build/arm/kx-static,
#                     Debian's armhf kexec-tools (tests/e2e/arm/fetch.sh);
#                     i386: qemu-system-i386 q35, 1 GiB, Debian's 686 kernel as
#                     A and B (tests/e2e/i386/lib.sh), build/i386/kx-static,
#                     Debian's i386 kexec-tools; ppc64le: qemu-system-ppc64
#                     pseries POWER9, 1 GiB, Debian's powerpc64le vmlinux
#                     (tests/e2e/ppc64le/lib.sh), build/ppc64le/kx-static,
#                     Debian's ppc64el kexec-tools; arm64: qemu-system-aarch64
#                     virt cortex-a57, 2 GiB (tests/e2e/arm64/lib.sh), Debian's
#                     arm64 Image as kernel A and, gzip'd (Image.gz: both tools
#                     unpack it at load), as kernel B, build/arm64/kx-static,
#                     Debian's arm64 kexec-tools. All four: a 32 MiB initrd,
#                     and BENCH_CHECK_B=1 (kernel B runs its /init and checks
#                     the payload, so that a peer that damages the initrd shows
#                     as a failed boot); default tools kx-c kx-c-i kx-auto
#                     kexec kexec-i (Debian 12's kernels for these four have
#                     no kexec_file_load: CONFIG_KEXEC_FILE is off).
#                     The CSV is <stamp>-<arch>-qemu.csv.
#   BENCH_ROUNDS      rounds (default 3)
#   BENCH_TOOLS       tools to run, default:
#                     kx-c kx-c-i kx-s kx-auto kexec kexec-i kexec-s
#                     kx-auto-asis kx-auto-nokaslr (x86_64; kx-auto-asis:
#                     kx -l --no-unpack, kexec-tools' payload through kx;
#                     kx-auto-nokaslr: kx -l, kernel B with nokaslr);
#                     also kx-c-asis, kx-c-below (an experiment: guest/scenario.sh);
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
arch=${BENCH_ARCH:-x86_64}
kextra=
export KX_E2E_TIMEOUT=${KX_E2E_TIMEOUT:-240}
# a work dir of our own (other jobs may clean up /tmp/kx-e2e-* while we run)
export KX_E2E_WORKDIR=${KX_E2E_WORKDIR:-${TMPDIR:-/tmp}/kx-bench}
case $arch in
	x86_64)
		export KX_E2E_FLAVOUR=${KX_E2E_FLAVOUR:-amd64}
		# shellcheck source=../tests/e2e/lib.sh disable=SC1091
		. "$root/tests/e2e/lib.sh"
		export BENCH_QEMU=${BENCH_QEMU:-qemu-system-x86_64}
		con=ttyS0 early="earlyprintk=serial,ttyS0"
		def_tools="kx-c kx-c-i kx-s kx-auto kexec kexec-i kexec-s kx-auto-asis kx-auto-nokaslr"
		def_mib=96 def_check=0 sfx= ;;
	arm | i386 | ppc64le | arm64)
		# shellcheck disable=SC1090 # the arch's harness
		. "$root/tests/e2e/$arch/lib.sh"
		if [ "$arch" = arm64 ]; then
			export BENCH_QEMU=${BENCH_QEMU:-qemu-system-aarch64}
			con=ttyAMA0 early="earlycon=pl011,0x9000000"
		elif [ "$arch" = arm ]; then
			export BENCH_QEMU=${BENCH_QEMU:-qemu-system-arm}
			con=ttyAMA0 early="earlycon=pl011,0x9000000"
		elif [ "$arch" = ppc64le ]; then
			export BENCH_QEMU=${BENCH_QEMU:-qemu-system-ppc64}
			# pseries: hvc0, the hypervisor's terminal, is the console from
			# kernel B's first line (udbg): no early console to ask for
			con=hvc0 early=
		else
			export BENCH_QEMU=${BENCH_QEMU:-qemu-system-i386}
			# kernel B = kernel A (the 686 kernel), as on the other architectures
			# shellcheck disable=SC2034,SC2153 # read by lib.sh's e2e_fetch
			I386_B=$I386_A
			# no_timer_check, as the e2e harness: on a loaded host TCG's timer
			# can fail the kernel's IO-APIC check, a panic at boot
			con=ttyS0 early="earlyprintk=serial,ttyS0" kextra=" no_timer_check"
		fi
		def_tools="kx-c kx-c-i kx-auto kexec kexec-i" def_mib=32 def_check=1 sfx=-$arch ;;
	*) echo "bench/run.sh: BENCH_ARCH=$arch: x86_64, arm, i386, ppc64le or arm64" >&2; exit 2 ;;
esac
# shellcheck disable=SC2034 # both read by lib.sh
E2E_NAME=bench
# Kernel A: quiet while it boots (the scenario raises the console log level
# just before the exec, so that "Starting new kernel" shows).
# shellcheck disable=SC2034
E2E_KARGS="console=$con panic=-1$kextra quiet"

rounds=${BENCH_ROUNDS:-3}
tools=${BENCH_TOOLS:-$def_tools}
mib=${BENCH_INITRD_MIB:-$def_mib}
out=${BENCH_OUT:-$root/bench/results}
stamp=${BENCH_STAMP:-$(date -u +%Y%m%d-%H%M)}
check_b=${BENCH_CHECK_B:-$def_check}
mkdir -p "$out"
csv=$out/$stamp$sfx-qemu.csv

e2e_init
if [ "$arch" = x86_64 ]; then
	kt_guest=$("$here/fetch-kexec-tools.sh") || e2e_die "could not fetch kexec-tools"
	kt_version=$(cat "$kt_guest/../VERSION")
else
	# Debian's kexec for this architecture with its libraries, unpacked as a root
	KX_E2E_CACHE=$E2E_CACHE "$root/tests/e2e/$arch/fetch.sh" kexec-tools >/dev/null ||
		e2e_die "could not fetch $arch kexec-tools"
	kt_guest=$E2E_CACHE/$arch/kexec-tools
	[ -x "$kt_guest/sbin/kexec" ] || e2e_die "no kexec-tools in $kt_guest"
	kt_version=$(zcat "$kt_guest/usr/share/doc/kexec-tools/changelog.Debian.gz" |
		sed -n '1s/^kexec-tools (\([^)]*\)).*/\1/p')
	kt_version="$kt_version $arch"
fi

if [ "$arch" = arm64 ]; then
	# Debian 12 ships the arm64 kernel as a plain Image; kernel B is it gzip'd
	# (Image.gz, what the kernel's build makes): both tools unpack it at load
	gzip -9 -n -c "$E2E_VMLINUZ_B" >"$E2E_WORK/$(basename "$E2E_VMLINUZ_B").gz"
	E2E_VMLINUZ_B=$E2E_WORK/$(basename "$E2E_VMLINUZ_B").gz
fi

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
bargs="console=$con panic=-1$kextra $early kxbench.nonce=$nonce"
extra=$E2E_WORK/extra-root
mkdir -p "$extra"
cp -a "$kt_guest/." "$extra/"
mkdir -p "$extra/bin"
# shellcheck disable=SC2086 # STATIC_CC may be words (a cross gcc -specs FILE)
${STATIC_CC:-musl-gcc} -static -Os -s -Wall -Wextra -o "$extra/bin/rsstime" "$here/guest/rsstime.c" ||
	e2e_die "cannot build bench/guest/rsstime.c with ${STATIC_CC:-musl-gcc} (x86_64: musl-tools; arm, i386: make ARCH=... static first)"
printf 'BARGS="%s"\nSAY=%s\n' "$bargs" "${BENCH_SAY:-1}" >"$extra/bench.conf"
export KX_E2E_EXTRA_DIR=$extra
build_initrd_a "$E2E_WORK/initrd-a.gz" "$here/guest/scenario.sh" "$E2E_WORK/initrd-b"
unset KX_E2E_EXTRA_DIR

# --- the boots ----------------------------------------------------------------
export KX_E2E_QEMU=$here/qemu-ts.sh
if [ "$check_b" = 1 ]; then
	export BENCH_STOP='KXB-DONE'
else
	# x86: "Command line:", ARM: "Kernel command line:"
	export BENCH_STOP='[Cc]ommand line:.*kxbench\.nonce='
fi
echo "tool,round,load_s,load_host_s,load_cpu_s,rss_kb,rss_floor_kb,bb_load_s,bb_rss_kb,bb_floor_kb,exec_s,exec_cpu_s,b_first_line,copy_s,copy_cpu_s,unpack_ms,unpacked_bytes,kaslr,ok,fail,host_load1,kernel,kernel_bytes,initrd_bytes,kexec_tools" >"$csv"
t_start=$(_e2e_ms)
for r in $(seq 1 "$rounds"); do
	for t in $tools; do
		log=$E2E_WORK/console-$t-$r.log
		export BENCH_TSLOG=$E2E_WORK/ts-$t-$r.log
		# shellcheck disable=SC2153 # E2E_VMLINUZ: set by e2e_init (lib.sh's e2e_fetch)
		run_qemu "$log" "$KX_E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "kxbench.tool=$t" || true
		row=$(python3 "$here/report.py" row "$BENCH_TSLOG" "$nonce" "$check_b" "$payload_sha") || row=",,,,,,,,,,,,,,,,0,no row"
		echo "$t,$r,$row,$(cut -d' ' -f1 /proc/loadavg),$(basename "$E2E_VMLINUZ_B"),$kernel_bytes,$initrd_bytes,$kt_version" >>"$csv"
		e2e_log "$t round $r: $(tail -n1 "$csv")"
		case $row,$t in
			*,1,,*) _e2e_ok ;;
			*,kexec*)
				# a peer that fails is a result: recorded with its reason
				_e2e_ok
				e2e_log "$t round $r: failed: ${row##*,0,}" ;;
			*) _e2e_bad "$log" "$t round $r: no valid measurement (see $BENCH_TSLOG)" ;;
		esac
	done
done
e2e_log "all boots: $(_e2e_secs "$t_start" "$(_e2e_ms)")s; results in $csv"
echo "$csv"
e2e_finish
