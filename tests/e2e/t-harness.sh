#!/usr/bin/env bash
# t-harness.sh - tests the harness itself (needs no kx): the guest DSL prints
# the right KXT-PASS/KXT-FAIL lines, the host checkers catch failures, a hung
# guest is killed at the timeout, and a guest panic ends QEMU at once.
set -eu
. "$(dirname "$0")/lib.sh"

e2e_init

# _checker_fails CHECKER ARGS...: the host checker records a failure.
# Runs it in a subshell (no EXIT trap there) so our own counters stay clean.
# shellcheck disable=SC2317 # invoked indirectly, through e2e_check
_checker_fails() {
	(
		E2E_NFAIL=0
		E2E_FAIL_LOGS=()
		"$@" 2>/dev/null
		[ "$E2E_NFAIL" = 1 ]
	)
}

# --- 1. the DSL ------------------------------------------------------------
log=$E2E_WORK/dsl.log
cat >"$E2E_WORK/dsl.sh" <<'EOF'
. /t.sh
expect_rc 0 -n pass-rc0 -- true
expect_rc 3 -n pass-rc3 -- sh -c 'exit 3'
expect_out hello -n pass-out -- echo hello world
expect_out "to stderr" -n pass-stderr -- sh -c 'echo to stderr >&2'
expect -n pass-general -r 2 -o abc -x xyz -- sh -c 'echo abc; exit 2'
expect -r any -o x -- echo x
[ "$KXT_RC" = 0 ] && [ "$KXT_OUT" = x ] && kxt_pass pass-vars
expect_rc 0 -n fail-rc -- false
expect_out absent -n fail-out -- printf 'line1\nline2\n'
expect -n fail-notout -x present -- echo present
expect -n fail-first-of-two -o absent -o world -- echo hello world
expect -n fail-second-x -x nope -x hello -- echo hello world
expect_rc 0 -n fail-usage kx-missing-dashdash
kxt_summary
EOF
build_guest_initrd "$E2E_WORK/dsl.gz" "$E2E_WORK/dsl.sh"
run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/dsl.gz" ""
assert_qemu_rc 0
for t in pass-rc0 pass-rc3 pass-out pass-stderr pass-general "echo x" pass-vars; do
	assert_log_has "$log" "KXT-PASS $t"
done
assert_kxt_pass_count "$log" 7
assert_log_has "$log" "KXT-FAIL fail-rc: expected rc=0, got rc=1 out="
assert_log_has "$log" "KXT-FAIL fail-out: expected rc=0 and output containing 'absent', got rc=0 out=line1|line2"
assert_log_has "$log" "KXT-FAIL fail-notout: expected rc=0 and output without 'present', got rc=0 out=present"
assert_log_has "$log" "KXT-FAIL fail-usage: bad usage near 'kx-missing-dashdash'"
# every -o and every -x counts, not only the last of each
assert_log_has "$log" "KXT-FAIL fail-first-of-two: expected rc=0 and output containing 'absent' and output containing 'world', got rc=0 out=hello world"
assert_log_has "$log" "KXT-FAIL fail-second-x: expected rc=0 and output without 'nope' and output without 'hello', got rc=0 out=hello world"
assert_log_has "$log" "KXT-SUMMARY pass=7 fail=6"
assert_log_has "$log" "KXA-SCENARIO-EXIT: rc=1"
assert_log_lacks "$log" "KXT-PASS fail-"

# The host-side checkers must flag a failing guest.
e2e_check "assert_no_kxt_fail should flag KXT-FAIL lines" \
	_checker_fails assert_no_kxt_fail "$log"
e2e_check "assert_kxt_pass_count should flag too few passes" \
	_checker_fails assert_kxt_pass_count "$log" 8
e2e_check "assert_log_has should flag a missing string" \
	_checker_fails assert_log_has "$log" "KXB-DONE"
e2e_check "assert_log_line should flag a wrong value" \
	_checker_fails assert_log_line "$log" "KXT-SUMMARY" "fail=0"
e2e_check "assert_log_order should flag a wrong order" \
	_checker_fails assert_log_order "$log" "KXT-SUMMARY" "KXT-PASS pass-rc0"
e2e_check "log_value should extract a marker's value" \
	test "$(log_value "$log" "KXT-SUMMARY")" = "pass=7 fail=6"

# --- 2. a hung guest is killed at the timeout ------------------------------
log=$E2E_WORK/hang.log
printf '%s\n' '. /t.sh' 'kxt_note "hanging now"' 'sleep 100000' >"$E2E_WORK/hang.sh"
build_guest_initrd "$E2E_WORK/hang.gz" "$E2E_WORK/hang.sh"
run_qemu "$log" 15 "$E2E_VMLINUZ" "$E2E_WORK/hang.gz" "" || true
assert_qemu_rc 124
assert_log_has "$log" "KXT-NOTE hanging now"
e2e_check "the timeout should stop QEMU within 25s (took ${E2E_QEMU_SECS}s)" \
	awk -v s="$E2E_QEMU_SECS" 'BEGIN { exit !(s < 25) }'

# --- 3. a guest panic ends QEMU at once (panic=-1 + -no-reboot) --------------
log=$E2E_WORK/panic.log
printf '%s\n' 'echo c >/proc/sysrq-trigger' 'sleep 100000' >"$E2E_WORK/panic.sh"
build_guest_initrd "$E2E_WORK/panic.gz" "$E2E_WORK/panic.sh"
run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/panic.gz" ""
assert_qemu_rc 0
assert_log_has "$log" "Kernel panic"
e2e_check "a panic should stop QEMU quickly (took ${E2E_QEMU_SECS}s)" \
	awk -v s="$E2E_QEMU_SECS" 'BEGIN { exit !(s < 60) }'

e2e_finish
