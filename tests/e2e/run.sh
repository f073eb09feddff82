#!/usr/bin/env bash
# run.sh [TEST...] - run the kx end-to-end tests (QEMU, TCG), two at a time on
# a machine with two or more CPUs (pool.sh; KX_E2E_JOBS=N to choose).
#
# TEST is a name like "boot", "t-boot" or "t-boot.sh", or a path; default: every
# tests/e2e/t-*.sh. Prints "PASS name (Ns)", "FAIL name (Ns)" or "SKIP name
# (reason)" per test as it ends (the output of a failed test is shown; all of it,
# one test at a time, with KX_E2E_VERBOSE=1 or KX_E2E_LIVE=1), then a last line
# "N passed, N failed, N skipped". A test skips by exiting 77 (lib.sh: e2e_skip
# REASON). Exits non-zero if any test failed, or, with KX_REQUIRE_ALL=1 (make
# check), if any test skipped. run-all.sh runs every architecture's tests in one pool.
#
# Environment: see lib.sh (KX_BIN, KX_E2E_CACHE, KX_E2E_FLAVOUR, KX_E2E_KEEP,
# ...), plus KX_E2E_TEST_TIMEOUT: hard limit for one test (default 900 s; each
# QEMU run inside it is limited by KX_E2E_TIMEOUT as well), KX_E2E_JOBS.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/pool.sh"

list=$(e2e_pool_find "$here" "$@") || exit 2
if [ -z "$list" ]; then
	echo "run.sh: no tests found in $here" >&2
	exit 2
fi
mapfile -t tests <<<"$list"

# Fetch once up front, so that a download problem is reported once, clearly.
if ! vmlinuz=$("$here/fetch.sh"); then
	echo "run.sh: fetching the kernel/busybox failed" >&2
	echo "0 passed, ${#tests[@]} failed, 0 skipped"
	exit 1
fi
echo "run.sh: kernel $vmlinuz"
args=()
for t in "${tests[@]}"; do args+=("$(basename "$t" .sh)=$t"); done
e2e_pool "${args[@]}"
