# pool.sh - sourced by the e2e runners (run.sh, run-all.sh, <arch>/run.sh):
# e2e_pool LABEL=SCRIPT... runs the test scripts, KX_E2E_JOBS at a time
# (default: 2 on a machine with 2 or more CPUs, else 1; 1 with KX_E2E_LIVE or
# KX_E2E_VERBOSE, whose output goes straight to the terminal). Each QEMU guest
# is TCG, one host thread busy per vCPU, so two guests keep two cores busy.
#
# Prints, as each test ends, "PASS label (Ns)", "FAIL label (Ns)" (after the
# test's output, indented) or "SKIP label (reason)" (the test exited 77, with
# "E2E-SKIP: reason" in its output), then "failed: ..." and a last line
# "N passed, N failed, N skipped". Returns non-zero if a test failed or, with
# KX_REQUIRE_ALL=1 (make check), if one skipped. Every test has its own work
# directory (lib.sh), so tests share nothing but the download cache, whose
# fetches are atomic (a temporary directory renamed into place) or locked.
# KX_E2E_TEST_TIMEOUT: hard limit for one test (default 900 s).

e2e_pool() {
	local jobs=${KX_E2E_JOBS:-} live=0 limit=${KX_E2E_TEST_TIMEOUT:-900}
	local dir i n=$# label t pid rc secs why req=0
	local npass=0 nfail=0 nskip=0 running=0 next=0
	local -a labels=() scripts=() failed=() skipped=() start=()
	local -A slot=()
	if [ "${KX_E2E_VERBOSE:-0}" = 1 ] || [ "${KX_E2E_LIVE:-0}" = 1 ]; then live=1; fi
	if [ -z "$jobs" ]; then
		jobs=1
		[ "$(nproc 2>/dev/null || echo 1)" -lt 2 ] || jobs=2
	fi
	[ "$live" = 0 ] || jobs=1
	for t in "$@"; do
		labels+=("${t%%=*}")
		scripts+=("${t#*=}")
	done
	dir=$(mktemp -d "${TMPDIR:-/tmp}/kx-e2e-pool.XXXXXX")
	# shellcheck disable=SC2064 # expand now: dir is local
	trap "rm -rf '$dir'" EXIT

	# _test I: test I's output on stdout, its status in $dir/I.rc (timeout
	# kills it and its QEMU after the limit)
	_e2e_pool_test() {
		if timeout -k 10 "$limit" bash "${scripts[$1]}" </dev/null 2>&1; then
			echo 0 >"$dir/$1.rc"
		else
			echo $? >"$dir/$1.rc"
		fi
	}
	# _start I: run test I in the background (its output in $dir/I.out, its
	# status in $dir/I.rc; timeout kills it and its QEMU after the limit)
	_e2e_pool_start() {
		local i=$1
		start[i]=$(date +%s)
		if [ "$live" = 1 ]; then
			_e2e_pool_test "$i" | tee "$dir/$i.out" &
		else
			_e2e_pool_test "$i" >"$dir/$i.out" &
		fi
		slot[$!]=$i
	}

	while [ "$next" -lt "$n" ] || [ "$running" -gt 0 ]; do
		while [ "$running" -lt "$jobs" ] && [ "$next" -lt "$n" ]; do
			_e2e_pool_start "$next"
			next=$((next + 1))
			running=$((running + 1))
		done
		pid=
		wait -n -p pid || true
		[ -n "$pid" ] && [ -n "${slot[$pid]:-}" ] || continue
		i=${slot[$pid]}
		unset "slot[$pid]"
		running=$((running - 1))
		label=${labels[i]}
		rc=$(cat "$dir/$i.rc" 2>/dev/null || echo 1)
		secs=$(($(date +%s) - start[i]))
		if [ "$rc" -eq 0 ]; then
			npass=$((npass + 1))
			echo "PASS $label (${secs}s)"
		elif [ "$rc" -eq 77 ]; then
			nskip=$((nskip + 1))
			skipped+=("$label")
			why=$(sed -n 's/^.*E2E-SKIP: //p' "$dir/$i.out" | tail -n 1)
			echo "SKIP $label (${why:-no reason given})"
		else
			nfail=$((nfail + 1))
			failed+=("$label")
			[ "$live" = 1 ] || sed 's/^/    /' "$dir/$i.out"
			[ "$rc" -ne 124 ] || echo "    (test killed after ${limit}s)"
			echo "FAIL $label (${secs}s)"
		fi
	done
	rm -rf "$dir"
	trap - EXIT

	[ "$nfail" -eq 0 ] || echo "failed: ${failed[*]}"
	case ${KX_REQUIRE_ALL:-0} in "" | 0) ;; *) req=1 ;; esac
	if [ "$nskip" -gt 0 ] && [ "$req" = 1 ]; then
		echo "KX_REQUIRE_ALL=1: skipped, but must run here: ${skipped[*]}"
	fi
	echo "$npass passed, $nfail failed, $nskip skipped"
	[ "$nfail" -eq 0 ] && { [ "$nskip" -eq 0 ] || [ "$req" = 0 ]; }
}

# e2e_pool_find DIR ARG...: the scripts ARGs name ("boot", "t-boot", "t-boot.sh"
# or a path; none: every DIR/t-*.sh), one per line; exits 2 on an unknown name.
e2e_pool_find() {
	local dir=$1 a t
	shift
	if [ $# -eq 0 ]; then
		for t in "$dir"/t-*.sh; do [ -f "$t" ] && echo "$t"; done
		return 0
	fi
	for a in "$@"; do
		for t in "$a" "$dir/$a" "$dir/$a.sh" "$dir/t-$a.sh" ""; do
			[ -z "$t" ] || [ ! -f "$t" ] || break
		done
		[ -n "$t" ] || { echo "run.sh: no such test: $a" >&2; return 2; }
		echo "$t"
	done
}
