#!/usr/bin/env bash
# bench.sh [RUNS] - ppc64le exec latency, kx against Debian's ppc64el
# kexec-tools (2.0.25), on the same qemu-system-ppc64 guest (pseries, POWER9,
# TCG), same kernels and initrd B: ../arm64/bench.sh with this directory's
# lib.sh. Kernel B's first line is its first "[    0.000000]" line on hvc0
# (pseries has no early console to ask for: udbg speaks from the start); both
# purgatories print a line when they start (kx -d: "kx purgatory: started";
# kexec-tools' ppc64 purgatory: "I'm in purgatory", always), and both verify
# the segments (kx: XXH64, kexec-tools: SHA-256). Not part of make check.
here=$(cd "$(dirname "$0")" && pwd)
KX_BENCH_LIB=$here/lib.sh KX_BENCH_MACHINE="ppc64le, QEMU TCG pseries POWER9" KX_BENCH_KT_ARGS= \
	KX_BENCH_B_ARGS="console=hvc0 panic=-1" KX_BENCH_B_FIRST="[    0.000000]" \
	exec "$here/../arm64/bench.sh" "$@"
