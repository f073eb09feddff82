#!/usr/bin/env bash
# bench.sh - `make bench`: kx against Debian's kexec-tools.
#
#   1. the machine (date, CPU, QEMU, compilers)           -> <stamp>-machine.txt
#   2. sizes: kx-static, kx's purgatory, Debian's kexec and its purgatory
#                                                          -> <stamp>-sizes.csv
#      each payload byte read once and hashed once by kx -c (bench/read-once.sh,
#      strace + gdb on build/kx)                           -> <stamp>-readonce.txt
#   3. digest micro-benchmark (bench/digest_bench.c), natively and under
#      QEMU's TCG (qemu-user)                              -> <stamp>-digest.csv
#   4. QEMU TCG guests: load time, peak RSS, exec latency (bench/run.sh)
#                                                          -> <stamp>-qemu.csv
#   5. medians, ratios, targets, chart (bench/report.py)   -> <stamp>-summary.csv,
#      bench/results/chart.svg and the generated part of docs/benchmarks.md
#
#   6. the other architectures' peers (BENCH_ARCHES with arm, i386, ppc64le
#      and/or arm64): bench/run.sh with BENCH_ARCH=arm / i386 / ppc64le / arm64
#      against Debian's armhf / i386 / ppc64el / arm64 kexec-tools
#                                                          -> <stamp>-ARCH-qemu.csv,
#      bench/report.py doc32: <stamp>-ARCH-summary.csv and docs/benchmarks.md's
#      bench:ARCH block
#
# The Makefile passes the build's settings; run by hand it uses build/.
# Environment (all optional):
#   BENCH_ARCHES=x86_64     which row sets: any of x86_64 arm i386 ppc64le arm64
#                           ("all": the five); steps 2-5 are x86_64's. arm
#                           needs build/arm/kx-static, i386 build/i386/kx-static,
#                           ppc64le build/ppc64le/kx-static, arm64
#                           build/arm64/kx-static (make bench builds them)
#   BENCH_ROUNDS=3          QEMU rounds (each boots every tool once; ~2 min)
#   BENCH_TOOLS=...         see bench/run.sh
#   BENCH_SKIP_QEMU=1       steps 1-3 and 5 only, with the newest existing
#                           <stamp>-qemu.csv (or BENCH_QEMU_CSV=FILE)
#   BENCH_DIGEST_MIB=256    buffer of the native micro-benchmark
#   BENCH_OUT=bench/results where results go; BENCH_DOC=docs/benchmarks.md
#   KX_BIN, KX_DYN, PURG_BIN, BENCH_BUILD, BENCH_CC, STATIC_CC, BENCH_PURG_CFLAGS
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

say() { echo "bench: $*" >&2; }
table() { column -s, -t 2>/dev/null <"$1" || cat "$1"; }
die() { echo "bench: error: $*" >&2; exit 1; }

export KX_BIN=${KX_BIN:-build/kx-static}
kx_dyn=${KX_DYN:-build/kx}
PURG_BIN=${PURG_BIN:-build/purgatory/x86_64/purgatory.bin}
build=${BENCH_BUILD:-build/bench}
cc=${BENCH_CC:-cc}
export STATIC_CC=${STATIC_CC:-musl-gcc}
out=${BENCH_OUT:-$root/bench/results}
doc=${BENCH_DOC:-$root/docs/benchmarks.md}
export BENCH_STAMP=${BENCH_STAMP:-$(date -u +%Y%m%d-%H%M)}
stamp=$BENCH_STAMP
# the purgatory's compiler flags, as the Makefile has them (run by hand: a copy)
purg_cflags=${BENCH_PURG_CFLAGS:--std=c11 -Os -Iinclude -ffreestanding -nostdinc -isystem $($cc -print-file-name=include) -fvisibility=hidden -fno-stack-protector -fno-asynchronous-unwind-tables -fno-unwind-tables -mno-red-zone -mgeneral-regs-only -fpie -fcf-protection=none -fno-builtin-memcpy}
arches=${BENCH_ARCHES:-x86_64}
[ "$arches" != all ] || arches="x86_64 arm i386 ppc64le arm64"
want() { case " $arches " in *" $1 "*) return 0 ;; esac; return 1; }
for a in $arches; do
	case $a in x86_64 | arm | i386 | ppc64le | arm64) ;; *) die "BENCH_ARCHES: '$a' is not x86_64, arm, i386, ppc64le or arm64" ;; esac
done
case $KX_BIN in /*) ;; *) KX_BIN=$root/$KX_BIN ;; esac
if want x86_64; then
	[ -f "$KX_BIN" ] || die "no $KX_BIN: run 'make static' (or make bench)"
	[ -f "$PURG_BIN" ] || die "no $PURG_BIN: run 'make static' (or make bench)"
fi
for a in arm i386 ppc64le arm64; do
	if want $a && [ ! -f "build/$a/kx-static" ]; then
		die "no build/$a/kx-static: run 'make ARCH=$a static' (or make bench BENCH_ARCHES=...)"
	fi
done

"$here/deps.sh"
mkdir -p "$out" "$build"

# --- 1. the machine ------------------------------------------------------------
machine=$out/$stamp-machine.txt
{
	echo "date (UTC): $(date -u '+%Y-%m-%d %H:%M')"
	echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -n1), $(nproc) cores$(grep -q -w sha_ni /proc/cpuinfo && echo ', SHA extensions')"
	echo "memory: $(free -g | awk '/^Mem:/ { print $2 }') GiB"
	echo "host kernel: $(uname -r)"
	echo "qemu: $(qemu-system-x86_64 --version | head -n1)"
	echo "row sets: $arches"
	echo "cc: $($cc --version | head -n1)"
	echo "openssl: $(openssl version 2>/dev/null || echo unknown)"
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$machine"
say "machine: $(tr '\n' ' ' <"$machine")"

if want x86_64; then
# --- 2. sizes ------------------------------------------------------------------------
kt_guest=$("$here/fetch-kexec-tools.sh") || die "could not fetch kexec-tools"
python3 "$here/sizes.py" "$KX_BIN" "$PURG_BIN" "$(dirname "$kt_guest")" \
	i386=build/i386/kx-static arm=build/arm/kx-static arm64=build/arm64/kx-static >"$out/$stamp-sizes.csv"
say "sizes:"
table "$out/$stamp-sizes.csv" | cut -c1-110 >&2

# --- 2b. each byte read once, hashed once (host, kx --dry-run -c) ---------------
kernel=$(KX_E2E_FLAVOUR=${KX_E2E_FLAVOUR:-amd64} tests/e2e/fetch.sh) || die "could not fetch the kernel"
if [ -x "$kx_dyn" ]; then
	head -c $((96 << 20)) /dev/urandom >"$build/initrd-96m.bin"
	"$here/read-once.sh" "$kx_dyn" "$kernel" "$build/initrd-96m.bin" >"$out/$stamp-readonce.txt" || true
	rm -f "$build/initrd-96m.bin"
	cat "$out/$stamp-readonce.txt" >&2
fi

# --- 3. digest micro-benchmark ------------------------------------------------------
# lib/digest.c twice: with the purgatory's flags (renamed kx_xxh64_purg) and at -O2
# shellcheck disable=SC2046 # flags are words
$cc $(echo " $purg_cflags " | sed 's/ -MMD / /; s/ -MP / /; s/ -Werror / /') \
	-Dkx_xxh64=kx_xxh64_purg -c lib/digest.c -o "$build/digest-purg.o"
$cc -std=c11 -O2 -Wall -Wextra -Iinclude -Ibench -o "$build/digest_bench" \
	bench/digest_bench.c bench/sha256.c lib/digest.c "$build/digest-purg.o" -lcrypto
digest=$out/$stamp-digest.csv
say "digest micro-benchmark: native, ${BENCH_DIGEST_MIB:-256} MiB"
"$build/digest_bench" -m "${BENCH_DIGEST_MIB:-256}" -r 5 -w native >"$digest"
if command -v qemu-x86_64 >/dev/null; then
	say "digest micro-benchmark: under QEMU TCG (qemu-x86_64 -cpu max), 32 MiB"
	qemu-x86_64 -cpu max "$build/digest_bench" -m 32 -r 3 -w "qemu-tcg" -q >>"$digest"
fi
table "$digest" >&2

# --- 4. QEMU ---------------------------------------------------------------------------
if [ "${BENCH_SKIP_QEMU:-0}" = 1 ]; then
	# shellcheck disable=SC2012,SC2010 # our own file names
	qcsv=${BENCH_QEMU_CSV:-$(ls -t "$out"/*-qemu.csv 2>/dev/null | grep -v -E -e '-(arm|i386|ppc64le|arm64)-qemu' | head -n1)}
	if [ -z "$qcsv" ] || [ ! -f "$qcsv" ]; then
		die "BENCH_SKIP_QEMU=1 but no *-qemu.csv in $out"
	fi
	say "QEMU part skipped; reporting $qcsv"
else
	BENCH_OUT=$out "$here/run.sh" >/dev/null
	qcsv=$out/$stamp-qemu.csv
fi

# --- 5. report ---------------------------------------------------------------------------
python3 "$here/report.py" doc "$qcsv" "$digest" "$out/$stamp-sizes.csv" "$machine" "$out" "$doc" \
	"$out/$stamp-readonce.txt"
say "results in $out ($stamp-*), chart $out/chart.svg, table in $doc"
fi

# --- 6. the other peers: Debian's armhf / i386 / ppc64el / arm64 kexec-tools in their own guests --
# (bench/run.sh BENCH_ARCH=...: the arch's e2e harness, 32 MiB initrd, kernel B checks it)
for a in arm i386 ppc64le arm64; do
	want $a || continue
	mem=1024
	case $a in
		arm) scc="arm-linux-gnueabihf-gcc -specs $root/build/arm/sysroot/musl-gcc.specs" ;;
		i386) scc="${I386_CROSS:-i686-linux-gnu-}gcc -specs $root/build/i386/sysroot/musl-gcc.specs" ;;
		ppc64le) scc="powerpc64le-linux-gnu-gcc -specs $root/build/ppc64le/sysroot/musl-gcc.specs" ;;
		# arm64: the e2e harness's 2 GiB
		arm64) scc="aarch64-linux-gnu-gcc -specs $root/build/arm64/sysroot/musl-gcc.specs" mem=2048 ;;
	esac
	say "QEMU TCG guests ($a): kx against Debian's $a kexec-tools"
	BENCH_ARCH=$a BENCH_OUT=$out KX_BIN=$root/build/$a/kx-static STATIC_CC=$scc KX_E2E_MEM=$mem \
		"$here/run.sh" >/dev/null
	python3 "$here/report.py" doc32 $a "$out/$stamp-$a-qemu.csv" "$machine" "$out" "$doc"
	say "results in $out ($stamp-$a-*), table in $doc (bench:$a)"
done
