#!/usr/bin/env bash
# run.sh [TEST...] - the i386 end-to-end tests (qemu-system-i386, TCG),
# one at a time: TEST is "boot", "t-boot", "t-boot.sh" or a path; default:
# every tests/e2e/i386/t-*.sh. Prints "PASS name (Ns)" / "FAIL name (Ns)"
# (with the failed test's output) / "SKIP name (reason)" (exit 77, e2e_skip),
# then "N passed, N failed, N skipped"; exits non-zero if any failed, or, with
# KX_REQUIRE_ALL=1, if any skipped. Needs build/i386/kx-static (make ARCH=i386 static) and
# qemu-system-i386. Environment: as ../run.sh and lib.sh.
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
	echo "run.sh: fetching the i386 kernels/busybox failed" >&2
	echo "0 passed, ${#tests[@]} failed, 0 skipped"
	exit 1
fi
echo "run.sh (i386): kernels $(echo $vmlinuz)"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
npass=0 nfail=0 nskip=0 failed=() skipped=()
for t in "${tests[@]}"; do
	name=i386/$(basename "$t" .sh)
	t0=$(date +%s)
	rc=0
	timeout -k 10 "${KX_E2E_TEST_TIMEOUT:-900}" bash "$t" </dev/null >"$out" 2>&1 || rc=$?
	secs=$(($(date +%s) - t0))
	if [ "$rc" -eq 0 ]; then
		npass=$((npass + 1))
		echo "PASS $name (${secs}s)"
	elif [ "$rc" -eq 77 ]; then
		nskip=$((nskip + 1))
		skipped+=("$name")
		why=$(sed -n 's/^.*E2E-SKIP: //p' "$out" | tail -n 1)
		echo "SKIP $name (${why:-no reason given})"
	else
		nfail=$((nfail + 1))
		failed+=("$name")
		sed 's/^/    /' "$out"
		echo "FAIL $name (${secs}s)"
	fi
done
[ "$nfail" -eq 0 ] || echo "failed: ${failed[*]}"
req=0
case ${KX_REQUIRE_ALL:-0} in "" | 0) ;; *) req=1 ;; esac
if [ "$nskip" -gt 0 ] && [ "$req" = 1 ]; then
	echo "KX_REQUIRE_ALL=1: skipped, but must run here: ${skipped[*]}"
fi
echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ] && { [ "$nskip" -eq 0 ] || [ "$req" = 0 ]; }
