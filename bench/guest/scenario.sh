# shellcheck shell=sh disable=SC1091,SC2023
# (SC2023: busybox ash has no `time` keyword; `time` is busybox's applet.)
# scenario.sh - runs in kernel A (busybox ash, as /scenario.sh of initrd A).
# One boot measures one tool: kxbench.tool=NAME on kernel A's command line.
# /bench.conf (written by bench/run.sh) sets BARGS, kernel B's command line.
#
# Console lines for the host (bench/run.sh parses them):
#   BENCH-TOOL: NAME
#   BENCH-RSS-FLOOR: KB BBKB       `rsstime true`: the floor of both methods
#   BENCH-LOAD-START / BENCH-LOAD-END rc=N
#   BENCH-LOAD: rsstime: elapsed_s=S maxrss_kb=KB rc=N
#                                  wall time and peak RSS (ru_maxrss) of the load
#   BENCH-LOAD-BUSYBOX: m:ss.ss KB the same from busybox `time -v` (its RSS
#                                  figure is 4x too high: it takes ru_maxrss,
#                                  which Linux gives in KiB, for pages)
#   BENCH-LOADED: 0|1              /sys/kernel/kexec_loaded after the load
#   BENCH-EXEC                     then kx -e / kexec -e: kernel A prints
#                                  "kexec_core: Starting new kernel"
. /bench.conf
spec=$(sed -n 's/.*kxbench\.tool=\([^ ]*\).*/\1/p' /proc/cmdline)
# NAME or NAME+OPT+OPT...: extra options for the load (experiments, e.g.
# BENCH_TOOLS="kx-c+--mem-max=0x10000000")
tool=${spec%%+*}
more=
case $spec in *+*) more=$(echo "${spec#*+}" | tr + ' ') ;; esac
K=/b/vmlinuz
I=/b/initrd.gz
case $tool in
	kx-c) load="kx -l -c" exe="kx -e" ;;
	kx-c-i) load="kx -l -c -i" exe="kx -e" ;;
	kx-s) load="kx -l -s" exe="kx -e" ;;
	kx-auto) load="kx -l" exe="kx -e" ;;
	# the bzImage as it is (its own decompressor runs): the path before
	# kx unpacked the kernel at load (issue 14)
	kx-c-asis) load="kx -l -c --no-unpack" exe="kx -e" ;;
	kx-auto-asis) load="kx -l --no-unpack" exe="kx -e" ;;
	# the default with KASLR off: kx honours nokaslr on kernel B's command line
	kx-auto-nokaslr) load="kx -l" exe="kx -e" BARGS="$BARGS nokaslr" ;;
	kx-c-below)
		# experiment: kx -c with everything below the memory kernel A's own
		# initrd occupied (freed after boot, so the first pages the kernel's
		# allocator hands out; kx itself keeps the initrd out of it now)
		top=$(od -A n -t x4 -j 536 -N 4 /sys/kernel/boot_params/data | tr -d ' ')
		load="kx -l -c --mem-max=0x$top" exe="kx -e" ;;
	kexec) load="kexec -l" exe="kexec -e" ;;
	kexec-i) load="kexec -l -i" exe="kexec -e" ;;
	kexec-s) load="kexec -l -s" exe="kexec -e" ;;
	*) echo "BENCH-ERROR: unknown tool '$tool'"; exit 1 ;;
esac
# SAY=1 (bench.conf): each purgatory prints a line at its entry (kx -d:
# "kx purgatory: started"; kexec-tools --console-serial on x86, --serial on
# arm64, always on ppc64: "I'm in purgatory"),
# which ends the copy phase. kexec_file_load's purgatory (kernel's) is silent.
if [ "${SAY:-0}" = 1 ]; then
	case $tool in
		# kx -d also prints its plan (the KASLR line) and the time its unpack took
		kx-c | kx-c-i | kx-auto | kx-c-below | kx-c-asis | kx-auto-asis | kx-auto-nokaslr) load="$load -d" ;;
		# --console-serial is x86's, --serial=ttyAMA0 arm64's (the PL011);
		# ppc64's purgatory speaks on hvc0 anyway
		kexec | kexec-i)
			case $(uname -m) in
				x86_64 | i?86) load="$load --console-serial" ;;
				aarch64) load="$load --serial=ttyAMA0" ;;
			esac ;;
	esac
fi
load="$load${more:+ $more}"
echo "BENCH-TOOL: $spec"
echo "BENCH-CMD: $load $K --initrd=$I --append=\"$BARGS\""
bbrss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
time -o /tmp/t0 -v rsstime true 2>/tmp/r0
echo "BENCH-RSS-FLOOR: $(sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p' /tmp/r0) $(bbrss /tmp/t0)"
echo "BENCH-LOAD-START"
# shellcheck disable=SC2086 # $load is words
time -o /tmp/t1 -v rsstime $load $K --initrd=$I --append="$BARGS" >/tmp/out 2>&1
rc=$?
echo "BENCH-LOAD-END rc=$rc"
echo "BENCH-LOAD: $(grep '^rsstime: ' /tmp/out)"
echo "BENCH-LOAD-BUSYBOX: $(sed -n 's/.*Elapsed (wall clock) time.*: //p' /tmp/t1) $(bbrss /tmp/t1)"
echo "BENCH-LOADED: $(cat /sys/kernel/kexec_loaded)"
grep -v '^rsstime: ' /tmp/out | sed 's/^/BENCH-OUT: /'
if [ "$rc" != 0 ]; then
	echo "BENCH-ERROR: load failed"
	exit 1
fi
# kernel A booted with quiet; show "kexec_core: Starting new kernel" (notice)
dmesg -n 7
echo "BENCH-EXEC"
$exe
echo "BENCH-ERROR: $exe returned rc=$?"
exit 1
