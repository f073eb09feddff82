#!/usr/bin/env bash
# bench.sh [RUNS] - 32-bit ARM exec latency, kx against Debian's armhf
# kexec-tools (2.0.25), on the same qemu-system-arm guest (virt, cortex-a15,
# TCG), same kernels and initrd B: ../arm64/bench.sh with this directory's
# lib.sh. kexec-tools has no purgatory on 32-bit ARM (it verifies nothing),
# so its purgatory column is "?"; kx's includes the digest check with the MMU
# off. Whether kexec-tools' kernel B got its initrd intact is reported, not
# asserted (with Debian's armmp kernel it does not: docs/arm.md). Not part of
# make check.
here=$(cd "$(dirname "$0")" && pwd)
KX_BENCH_LIB=$here/lib.sh KX_BENCH_MACHINE="arm, QEMU TCG virt cortex-a15" KX_BENCH_KT_ARGS= KX_BENCH_KT_NOCHECK=1 \
	exec "$here/../arm64/bench.sh" "$@"
