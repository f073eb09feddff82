#!/usr/bin/env bash
# run.sh [TEST...] - the arm64 end-to-end tests (qemu-system-aarch64, TCG),
# one at a time: TEST is "boot", "t-boot", "t-boot.sh" or a path; default:
# every tests/e2e/arm64/t-*.sh. Prints "PASS name (Ns)" / "FAIL name (Ns)"
# (with the failed test's output), then "N passed, N failed"; exits non-zero
# if any failed. Needs build/arm64/kx-static (make ARCH=arm64 static) and
# qemu-system-arm. Environment: as ../run.sh and lib.sh.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tests=()
if [ $# -eq 0 ]; then
	for t in "$here"/t-*.sh; do tests+=("$t"); done
else
	for a in "$@"; do
		for t in "$a" "$here/$a" "$here/$a.sh" "$here/t-$a.sh" ""; do
			[ -z "$t" ] || [ ! -f "$t" ] || break
		done
		[ -n "$t" ] || { echo "run.sh: no such test: $a" >&2; exit 2; }
		tests+=("$t")
	done
fi
# fetch once up front, so that a download problem is reported once, clearly
if ! vmlinuz=$("$here/fetch.sh"); then
	echo "run.sh: fetching the arm64 kernel/busybox failed" >&2
	echo "0 passed, ${#tests[@]} failed"
	exit 1
fi
echo "run.sh (arm64): kernel $vmlinuz"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
npass=0 nfail=0 failed=()
for t in "${tests[@]}"; do
	name=arm64/$(basename "$t" .sh)
	t0=$(date +%s)
	rc=0
	timeout -k 10 "${KX_E2E_TEST_TIMEOUT:-900}" bash "$t" </dev/null >"$out" 2>&1 || rc=$?
	secs=$(($(date +%s) - t0))
	if [ "$rc" -eq 0 ]; then
		npass=$((npass + 1))
		echo "PASS $name (${secs}s)"
	else
		nfail=$((nfail + 1))
		failed+=("$name")
		sed 's/^/    /' "$out"
		echo "FAIL $name (${secs}s)"
	fi
done
[ "$nfail" -eq 0 ] || echo "failed: ${failed[*]}"
echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
