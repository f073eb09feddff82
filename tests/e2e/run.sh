#!/usr/bin/env bash
# run.sh [TEST...] - run the kx end-to-end tests (QEMU, TCG, one at a time).
#
# TEST is a name like "boot", "t-boot" or "t-boot.sh", or a path; default: every
# tests/e2e/t-*.sh. Prints "PASS name (Ns)", "FAIL name (Ns)" or "SKIP name
# (reason)" per test (the output of a failed test is shown; all of it with
# KX_E2E_VERBOSE=1), then a last line "N passed, N failed, N skipped". A test
# skips by exiting 77 (lib.sh: e2e_skip REASON). Exits non-zero if any test
# failed, or, with KX_REQUIRE_ALL=1 (make check), if any test skipped.
#
# Environment: see lib.sh (KX_BIN, KX_E2E_CACHE, KX_E2E_FLAVOUR, KX_E2E_KEEP,
# ...), plus KX_E2E_TEST_TIMEOUT: hard limit for one test (default 900 s; each
# QEMU run inside it is limited by KX_E2E_TIMEOUT as well).
set -eu

here=$(cd "$(dirname "$0")" && pwd)

tests=()
if [ $# -eq 0 ]; then
	for t in "$here"/t-*.sh; do
		[ -f "$t" ] && tests+=("$t")
	done
else
	for a in "$@"; do
		if [ -f "$a" ]; then t=$a
		elif [ -f "$here/$a" ]; then t=$here/$a
		elif [ -f "$here/$a.sh" ]; then t=$here/$a.sh
		elif [ -f "$here/t-$a.sh" ]; then t=$here/t-$a.sh
		else
			echo "run.sh: no such test: $a" >&2
			exit 2
		fi
		tests+=("$t")
	done
fi
if [ ${#tests[@]} -eq 0 ]; then
	echo "run.sh: no tests found in $here" >&2
	exit 2
fi

# Fetch once up front, so that a download problem is reported once, clearly.
if ! vmlinuz=$("$here/fetch.sh"); then
	echo "run.sh: fetching the kernel/busybox failed" >&2
	echo "0 passed, ${#tests[@]} failed, 0 skipped"
	exit 1
fi
echo "run.sh: kernel $vmlinuz"

out=$(mktemp)
trap 'rm -f "$out" "$out.rc"' EXIT
limit=${KX_E2E_TEST_TIMEOUT:-900}
live=0
if [ "${KX_E2E_VERBOSE:-0}" = 1 ] || [ "${KX_E2E_LIVE:-0}" = 1 ]; then live=1; fi
npass=0
nfail=0
nskip=0
failed=()
skipped=()
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	t0=$(date +%s)
	# The test runs on the left of a pipe (for tee), so its status goes via a
	# file; if/else rather than "cmd; echo $?", which set -e would cut short.
	if timeout -k 10 "$limit" bash "$t" </dev/null 2>&1; then
		echo 0 >"$out.rc"
	else
		echo $? >"$out.rc"
	fi | if [ "$live" = 1 ]; then tee "$out"; else cat >"$out"; fi
	rc=$(cat "$out.rc")
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
		# Show what the test said (unless it was already shown live).
		[ "$live" = 1 ] || sed 's/^/    /' "$out"
		[ "$rc" -ne 124 ] || echo "    (test killed after ${limit}s)"
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
