#!/usr/bin/env bash
# run.sh [TEST...] - the arm64 end-to-end tests (qemu-system-aarch64, TCG),
# two at a time (../pool.sh): TEST is "boot", "t-boot", "t-boot.sh" or a path;
# default: every tests/e2e/arm64/t-*.sh. Prints "PASS name (Ns)" / "FAIL name
# (Ns)" (with the failed test's output) / "SKIP name (reason)" (exit 77,
# e2e_skip), then "N passed, N failed, N skipped"; exits non-zero if any
# failed, or, with KX_REQUIRE_ALL=1, if any skipped. Needs
# build/arm64/kx-static (make ARCH=arm64 static) and qemu-system-arm.
# Environment: as ../run.sh and lib.sh.
set -eu
# KX_E2E_ARCH_DIR: another architecture's tests, run the same way (../arm/run.sh)
here=${KX_E2E_ARCH_DIR:-$(cd "$(dirname "$0")" && pwd)}
arch=$(basename "$here")
. "$here/../pool.sh"
list=$(e2e_pool_find "$here" "$@") || exit 2
[ -n "$list" ] || { echo "run.sh: no tests found in $here" >&2; exit 2; }
mapfile -t tests <<<"$list"
# fetch once up front, so that a download problem is reported once, clearly
if ! vmlinuz=$("$here/fetch.sh"); then
	echo "run.sh: fetching the $arch kernel/busybox failed" >&2
	echo "0 passed, ${#tests[@]} failed, 0 skipped"
	exit 1
fi
echo "run.sh ($arch): kernel $vmlinuz"
args=()
for t in "${tests[@]}"; do args+=("$arch/$(basename "$t" .sh)=$t"); done
e2e_pool "${args[@]}"
