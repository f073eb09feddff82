# shellcheck shell=bash disable=SC2016
# (SC2016: the '$x' quoting inside "..." messages is intended.)
# lib.sh - shared functions of the kx end-to-end tests (bash).
#
# A test (tests/e2e/t-*.sh) looks like:
#
#   #!/usr/bin/env bash
#   set -eu
#   . "$(dirname "$0")/lib.sh"
#   e2e_init                               # work dir, fetch kernel+busybox
#   build_initrd_b "$E2E_WORK/b.gz"        # sets KXB_PAYLOAD_SHA256
#   cat >"$E2E_WORK/scenario.sh" <<EOF     # runs inside kernel A
#   . /t.sh
#   expect_rc 0 -- kx -l /b/vmlinuz --initrd=/b/initrd.gz --append="..."
#   EOF
#   build_initrd_a "$E2E_WORK/a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/b.gz"
#   run_qemu "$E2E_WORK/console.log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/a.gz" ""
#   assert_qemu_rc 0
#   assert_log_has "$E2E_WORK/console.log" "KXB-DONE"
#   e2e_finish
#
# Checks (assert_*, e2e_check) do not stop the test: each failure is reported,
# and when the test exits it fails, shows the tail of the console log(s) and
# keeps the work dir. A test that made no check at all fails too.
# A test that cannot run here calls `e2e_skip REASON`: it exits 77 (before any
# failed check; after one it fails), and run.sh shows "SKIP name (REASON)".
#
# Environment (all optional):
#   KX_BIN              kx binary put in initrd A as /bin/kx
#                       (default build/kx-static; relative = from the repo root)
#   KX_E2E_CACHE        download cache (default tests/e2e/cache)
#   KX_E2E_FLAVOUR      cloud-amd64 (default) or amd64: which Debian kernel
#   KX_E2E_KERNEL       use this vmlinuz as kernel A (and B) instead
#   KX_E2E_KERNEL_B     use this vmlinuz as kernel B (default: same as A)
#   KX_E2E_BUSYBOX      static busybox to use (default: the fetched one)
#   KX_E2E_TIMEOUT      hard timeout of one QEMU run, seconds (default 120)
#   KX_E2E_MEM          guest RAM in MiB (default 2048)
#   KX_E2E_QEMU         QEMU binary (default qemu-system-x86_64)
#   KX_E2E_QEMU_ARGS    extra QEMU arguments (word-split)
#   KX_E2E_PAYLOAD_MIB  size of initrd B's random payload (default 4)
#   KX_E2E_VERBOSE=1    full kernel logs (no "quiet", earlyprintk) for A and B
#   KX_E2E_LIVE=1       also copy the serial console to the terminal
#   KX_E2E_KEEP=1       keep the work dir even when the test passes
#   KX_E2E_WORKDIR      where work dirs are made (default $TMPDIR or /tmp)
#   KX_E2E_EXTRA_DIR    a directory copied over the root of initrd A (debug
#                       hook: extra tools, libraries, a stand-in kx, ...)
#   KX_E2E_TAIL         console lines shown on failure (default 60)

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_ROOT=$(cd "$E2E_DIR/../.." && pwd)
E2E_CACHE=${KX_E2E_CACHE:-$E2E_DIR/cache}
# shellcheck disable=SC2034 # used by the tests
E2E_TIMEOUT=${KX_E2E_TIMEOUT:-120}
KX_BIN=${KX_BIN:-build/kx-static}
case $KX_BIN in /*) ;; *) KX_BIN=$E2E_ROOT/$KX_BIN ;; esac

# Kernel parameters every guest kernel gets. Kernel A gets them from run_qemu;
# scenarios must pass them to kernel B in kx --append (use "$E2E_KARGS" when
# writing the scenario), or kernel B logs to the VGA console we don't record.
# panic=-1 + QEMU's -no-reboot turn a panic into an immediate QEMU exit.
if [ "${KX_E2E_VERBOSE:-0}" = 1 ]; then
	E2E_KARGS="console=ttyS0 panic=-1 no_timer_check earlyprintk=serial,ttyS0 ignore_loglevel"
else
	E2E_KARGS="console=ttyS0 panic=-1 no_timer_check quiet"
fi

E2E_NAME=
E2E_WORK=
E2E_NCHECK=0
E2E_NFAIL=0
E2E_FAIL_LOGS=()
E2E_LAST_LOG=
E2E_QEMU_RC=
E2E_QEMU_SECS=

e2e_log() { echo "[e2e${E2E_NAME:+ $E2E_NAME}] $*" >&2; }

# e2e_die MSG: setup error, the test fails at once.
e2e_die() {
	e2e_log "ERROR: $*"
	E2E_NFAIL=$((E2E_NFAIL + 1))
	exit 1
}

# e2e_nonce: a random hex token, e.g. for kernel B's command line.
# e2e_cache_locked NAME CMD...: run CMD (a command or a function) holding a
# lock on the cache's NAME, so that two tests run at once (pool.sh) never
# fetch the same fixture together; returns CMD's status.
e2e_cache_locked() {
	local fd rc=0 name=$1
	shift
	mkdir -p "$E2E_CACHE"
	exec {fd}>"$E2E_CACHE/.$name.lock"
	flock "$fd"
	"$@" || rc=$?
	exec {fd}>&-
	return "$rc"
}
e2e_nonce() { od -An -tx1 -N8 /dev/urandom | tr -d ' \n'; }

# Monotonic-enough wall clock in ms, and "a b" -> "1.2" seconds.
_e2e_ms() { echo $(($(date +%s%N) / 1000000)); }
_e2e_secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

# e2e_init: make the work dir ($E2E_WORK), install the exit trap and
# fetch kernel + busybox ($E2E_VMLINUZ, $E2E_VMLINUZ_B, $E2E_BUSYBOX).
e2e_init() {
	[ -n "$E2E_NAME" ] || E2E_NAME=$(basename "$0" .sh)
	local base=${KX_E2E_WORKDIR:-${TMPDIR:-/tmp}}
	mkdir -p "$base"
	E2E_WORK=$(mktemp -d "$base/kx-e2e-$E2E_NAME.XXXXXX")
	trap _e2e_exit EXIT
	e2e_fetch
}

e2e_fetch() {
	local v
	v=$(KX_E2E_CACHE=$E2E_CACHE "$E2E_DIR/fetch.sh") || e2e_die "fetch.sh failed"
	E2E_VMLINUZ=${KX_E2E_KERNEL:-$v}
	E2E_VMLINUZ_B=${KX_E2E_KERNEL_B:-$E2E_VMLINUZ}
	E2E_BUSYBOX=${KX_E2E_BUSYBOX:-$E2E_CACHE/busybox/bin/busybox}
	[ -f "$E2E_VMLINUZ" ] || e2e_die "no kernel at $E2E_VMLINUZ"
	[ -f "$E2E_VMLINUZ_B" ] || e2e_die "no kernel B at $E2E_VMLINUZ_B"
	[ -x "$E2E_BUSYBOX" ] || e2e_die "no busybox at $E2E_BUSYBOX"
}

# e2e_finish: end of a test; the exit trap decides pass/fail.
e2e_finish() {
	e2e_log "$E2E_NCHECK checks, $E2E_NFAIL failed"
	exit 0
}

# e2e_skip REASON: this test cannot run here; exit 77 (run.sh: SKIP, and a
# failure with KX_REQUIRE_ALL=1).
e2e_skip() {
	echo "E2E-SKIP: $*" >&2
	exit 77
}

_e2e_exit() {
	local rc=$? log
	[ "$E2E_NFAIL" -eq 0 ] || rc=1
	if [ "$rc" -eq 77 ]; then
		[ -z "$E2E_WORK" ] || rm -rf "$E2E_WORK"
		exit 77
	fi
	if [ "$rc" -eq 0 ] && [ "$E2E_NCHECK" -eq 0 ]; then
		e2e_log "ERROR: the test made no checks"
		rc=1
	fi
	if [ "$rc" -ne 0 ]; then
		# Show the console of the failed checks (or the last run).
		[ "${#E2E_FAIL_LOGS[@]}" -gt 0 ] || E2E_FAIL_LOGS=("$E2E_LAST_LOG")
		for log in "${E2E_FAIL_LOGS[@]}"; do
			[ -n "$log" ] && e2e_show_log "$log"
		done
		[ -z "$E2E_WORK" ] || e2e_log "FAILED; work dir kept: $E2E_WORK"
	elif [ "${KX_E2E_KEEP:-0}" = 1 ]; then
		e2e_log "work dir kept: $E2E_WORK"
	elif [ -n "$E2E_WORK" ]; then
		rm -rf "$E2E_WORK"
	fi
	exit "$rc"
}

# e2e_show_log LOG: the last KX_E2E_TAIL lines of a console log (+ QEMU's stderr).
e2e_show_log() {
	local log=$1 n=${KX_E2E_TAIL:-60}
	{
		if [ "${KX_E2E_LIVE:-0}" = 1 ]; then
			echo "----- console shown above; log: $log -----"
		elif [ -f "$log" ]; then
			echo "----- last $n lines of $log -----"
			tail -n "$n" "$log" | tr -d '\r'
			echo "----- end of $log -----"
		else
			echo "----- no console log at $log -----"
		fi
		if [ -s "$log.stderr" ]; then
			echo "----- QEMU stderr ($log.stderr) -----"
			tail -n 20 "$log.stderr"
		fi
	} >&2
}

# --- initramfs builders ------------------------------------------------------

# make_initramfs STAGEDIR OUT: newc cpio of STAGEDIR, files owned by root;
# gzip'd, unless OUT ends in .cpio (for initrds of files compressed already:
# no gzip on the host, no gunzip in TCG).
make_initramfs() {
	local stage=$1 out=$2 z="gzip -1 -n"
	case $out in *.cpio) z=cat ;; esac
	(cd "$stage" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) | $z >"$out"
}

# _e2e_stage_base DIR: busybox and the directories every guest needs.
# (/dev/console comes from the kernel's built-in initramfs, so no mknod.)
_e2e_stage_base() {
	local d=$1
	mkdir -p "$d/bin" "$d/sbin" "$d/usr/bin" "$d/usr/sbin" \
		"$d/proc" "$d/sys" "$d/dev" "$d/tmp" "$d/root"
	cp "$E2E_BUSYBOX" "$d/bin/busybox"
	chmod 755 "$d/bin/busybox"
	ln -s busybox "$d/bin/sh"
}

# build_initrd_b OUT [PAYLOAD_MIB]: initrd for kernel B (guest/init-b plus a
# fresh random /payload.bin). Sets KXB_PAYLOAD_SHA256 to the payload's sha256.
build_initrd_b() {
	local out=$1 mib=${2:-${KX_E2E_PAYLOAD_MIB:-4}} stage
	stage=$(mktemp -d "$E2E_WORK/stage-b.XXXXXX")
	_e2e_stage_base "$stage"
	cp "$E2E_DIR/guest/init-b" "$stage/init"
	chmod 755 "$stage/init"
	head -c "$((mib * 1024 * 1024))" /dev/urandom >"$stage/payload.bin"
	KXB_PAYLOAD_SHA256=$(sha256sum "$stage/payload.bin" | cut -d' ' -f1)
	make_initramfs "$stage" "$out"
	rm -rf "$stage"
	e2e_log "initrd B: $out ($(du -k "$out" | cut -f1) KiB, payload sha256 $KXB_PAYLOAD_SHA256)"
}

# build_initrd_extra OUT NAME [KIB]: a second initrd for kernel B holding only
# /extra/NAME (random bytes); sets KXB_EXTRA_SHA256. Kernel B's /init prints
# "KXB-EXTRA: NAME <sha256>" when it finds it.
build_initrd_extra() {
	local out=$1 name=$2 kib=${3:-64} stage
	stage=$(mktemp -d "$E2E_WORK/stage-x.XXXXXX")
	mkdir -p "$stage/extra"
	head -c "$((kib * 1024))" /dev/urandom >"$stage/extra/$name"
	KXB_EXTRA_SHA256=$(sha256sum "$stage/extra/$name" | cut -d' ' -f1)
	make_initramfs "$stage" "$out"
	rm -rf "$stage"
}

# _e2e_stage_guest DIR SCENARIO: busybox + guest/init-a as /init + guest/t.sh as
# /t.sh + SCENARIO as /scenario.sh + $KX_E2E_EXTRA_DIR on top.
_e2e_stage_guest() {
	local d=$1 scenario=$2
	[ -f "$scenario" ] || e2e_die "no scenario file $scenario"
	_e2e_stage_base "$d"
	cp "$E2E_DIR/guest/init-a" "$d/init"
	cp "$E2E_DIR/guest/t.sh" "$d/t.sh"
	cp "$scenario" "$d/scenario.sh"
	chmod 755 "$d/init" "$d/scenario.sh"
	# kernel A's configuration where Debian installs it (/boot/config-RELEASE):
	# auto mode reads it for the kexec policy (CONFIG_IMA_*, KEXEC_SIG_FORCE)
	local cfg
	cfg=$(dirname "$E2E_VMLINUZ")/config-$(basename "$E2E_VMLINUZ" | sed 's/^vmlinuz-//')
	if [ -f "$cfg" ]; then
		mkdir -p "$d/boot"
		cp "$cfg" "$d/boot/"
	fi
	if [ -n "${KX_E2E_EXTRA_DIR:-}" ]; then
		cp -a "$KX_E2E_EXTRA_DIR/." "$d/"
	fi
}

# build_guest_initrd OUT SCENARIO: a guest initrd without kx or kernel B (for
# testing the harness itself).
build_guest_initrd() {
	local out=$1 scenario=$2 stage
	stage=$(mktemp -d "$E2E_WORK/stage-g.XXXXXX")
	_e2e_stage_guest "$stage" "$scenario"
	make_initramfs "$stage" "$out"
	rm -rf "$stage"
}

# build_initrd_a OUT SCENARIO INITRD_B: initrd for kernel A: the guest initrd
# plus $KX_BIN as /bin/kx, kernel B as /b/vmlinuz and INITRD_B as /b/initrd.gz.
build_initrd_a() {
	local out=$1 scenario=$2 initrd_b=$3 stage
	[ -f "$KX_BIN" ] || e2e_die "no kx binary at $KX_BIN (run 'make' first, or set KX_BIN)"
	if LC_ALL=C grep -q -a 'ld-linux-x86-64\.so' "$KX_BIN"; then
		e2e_log "WARNING: $KX_BIN looks dynamically linked; the guest has no libc"
	fi
	[ -f "$initrd_b" ] || e2e_die "no initrd B at $initrd_b"
	stage=$(mktemp -d "$E2E_WORK/stage-a.XXXXXX")
	_e2e_stage_guest "$stage" "$scenario"
	cp "$KX_BIN" "$stage/bin/kx"
	chmod 755 "$stage/bin/kx"
	mkdir -p "$stage/b"
	cp "$E2E_VMLINUZ_B" "$stage/b/vmlinuz"
	cp "$initrd_b" "$stage/b/initrd.gz"
	make_initramfs "$stage" "$out"
	rm -rf "$stage"
	e2e_log "initrd A: $out ($(du -k "$out" | cut -f1) KiB)"
}

# build_initrd_hop OUT SCENARIO DIR: an initrd like A's (init-a, t.sh, SCENARIO,
# kx) holding DIR's files at its root instead of /b/vmlinuz and /b/initrd.gz:
# one hop of a chain of kexecs in a single QEMU run (kernel A loads kernel B
# with this initrd, whose scenario loads kernel C, ...). OUT ending in .cpio:
# not gzip'd (make_initramfs).
build_initrd_hop() {
	local out=$1 scenario=$2 dir=$3 stage
	stage=$(mktemp -d "$E2E_WORK/stage-hop.XXXXXX")
	_e2e_stage_guest "$stage" "$scenario"
	cp "$KX_BIN" "$stage/bin/kx"
	chmod 755 "$stage/bin/kx"
	cp -a "$dir/." "$stage/"
	make_initramfs "$stage" "$out"
	rm -rf "$stage"
	e2e_log "initrd hop: $out ($(du -k "$out" | cut -f1) KiB)"
}

# --- QEMU ----------------------------------------------------------------------

# run_qemu LOG TIMEOUT KERNEL INITRD APPEND
# Boots KERNEL+INITRD in TCG (no KVM), with "$E2E_KARGS APPEND" as command line,
# and records the serial console in LOG (QEMU's own stderr in LOG.stderr).
# Never reads stdin, never needs a TTY, and is killed after TIMEOUT seconds.
# Returns QEMU's exit status: 0 when the guest powered off (or panicked: see
# panic=-1), 124 on timeout. Also sets E2E_QEMU_RC and E2E_QEMU_SECS.
# E2E_SERIAL: the first serial port (ttyS0, the console) instead of stdio,
# e.g. "chardev:ser0" with a -chardev in KX_E2E_QEMU_ARGS (t-kxboot-menu.sh
# types on it); LOG then holds only what QEMU itself writes on stdout.
run_qemu() {
	local log=$1 secs=$2 kernel=$3 initrd=$4 append=$5 t0 t1 rc
	local qemu=${KX_E2E_QEMU:-qemu-system-x86_64}
	local -a extra=()
	# shellcheck disable=SC2206 # word splitting wanted
	[ -z "${KX_E2E_QEMU_ARGS:-}" ] || extra=($KX_E2E_QEMU_ARGS)
	local -a cmd=(
		timeout -k 5 "$secs"
		"$qemu" -M q35 -m "${KX_E2E_MEM:-2048}" -cpu max -smp 1
		-display none -nic none -no-reboot -monitor none -serial "${E2E_SERIAL:-stdio}"
		-kernel "$kernel" -initrd "$initrd" -append "$E2E_KARGS $append"
		"${extra[@]}"
	)
	E2E_LAST_LOG=$log
	rm -f "$log" "$log.stderr" "$log.rc"
	e2e_log "booting $(basename "$kernel") + $(basename "$initrd") in QEMU (timeout ${secs}s)"
	t0=$(_e2e_ms)
	# QEMU runs on the left of a pipe (for tee), so its status is passed via
	# LOG.rc; if/else rather than "cmd; echo $?", which set -e would cut short.
	if "${cmd[@]}" </dev/null 2>"$log.stderr"; then
		echo 0 >"$log.rc"
	else
		echo $? >"$log.rc"
	fi | if [ "${KX_E2E_LIVE:-0}" = 1 ]; then tee "$log"; else cat >"$log"; fi
	t1=$(_e2e_ms)
	rc=$(cat "$log.rc" 2>/dev/null || echo 255)
	E2E_QEMU_RC=$rc
	E2E_QEMU_SECS=$(_e2e_secs "$t0" "$t1")
	case $rc in
		0) e2e_log "QEMU exited after ${E2E_QEMU_SECS}s" ;;
		124 | 137) e2e_log "QEMU TIMEOUT: killed after ${secs}s"
			echo "[e2e: QEMU killed after ${secs}s timeout]" >>"$log" ;;
		*) e2e_log "QEMU failed with rc=$rc after ${E2E_QEMU_SECS}s (see $log.stderr)" ;;
	esac
	return "$rc"
}

# run_qemu_until LOG TIMEOUT KERNEL INITRD APPEND MARKER...
# run_qemu, but QEMU is stopped (SIGTERM to its own pid, from -pidfile) as soon
# as LOG holds every MARKER (fixed strings): for guests that never power off by
# themselves, or only slowly (Xen waits 5 s of emulated time before a reset).
# Returns like run_qemu (0 when stopped at the markers, which sets
# E2E_QEMU_STOPPED=1; 124 on timeout).
run_qemu_until() {
	local log=$1 secs=$2 kernel=$3 initrd=$4 append=$5 pidf watcher rc=0
	shift 5
	pidf=$(mktemp -u "$E2E_WORK/qemu-pid.XXXXXX")
	E2E_QEMU_STOPPED=0
	rm -f "$log.stopped"
	(
		local i m pid all
		for ((i = 0; i < secs * 4; i++)); do
			sleep 0.25
			pid=$(cat "$pidf" 2>/dev/null) || continue
			[ -n "$pid" ] || continue
			all=1
			for m in "$@"; do
				grep -a -q -F -e "$m" "$log" 2>/dev/null || { all=0; break; }
			done
			if [ "$all" = 1 ]; then
				: >"$log.stopped"
				kill "$pid" 2>/dev/null || true
				exit 0
			fi
			kill -0 "$pid" 2>/dev/null || exit 0
		done
	) &
	watcher=$!
	KX_E2E_QEMU_ARGS="${KX_E2E_QEMU_ARGS:-} -pidfile $pidf" \
		run_qemu "$log" "$secs" "$kernel" "$initrd" "$append" || rc=$?
	kill "$watcher" 2>/dev/null || true # QEMU is gone: so is its purpose
	wait "$watcher" 2>/dev/null || true
	if [ -e "$log.stopped" ]; then
		# shellcheck disable=SC2034 # for the tests
		E2E_QEMU_STOPPED=1
		e2e_log "QEMU stopped once the console showed: $*"
		[ "$rc" = 124 ] || rc=0
		E2E_QEMU_RC=$rc
	fi
	return "$rc"
}

# --- checks --------------------------------------------------------------------

_e2e_ok() { E2E_NCHECK=$((E2E_NCHECK + 1)); }

# _e2e_bad LOG MSG: record a failed check (LOG may be empty).
_e2e_bad() {
	local log=$1 l
	E2E_NCHECK=$((E2E_NCHECK + 1))
	E2E_NFAIL=$((E2E_NFAIL + 1))
	e2e_log "CHECK FAILED: $2${log:+ (log: $log)}"
	[ -n "$log" ] || return 0
	for l in "${E2E_FAIL_LOGS[@]}"; do [ "$l" = "$log" ] && return 0; done
	E2E_FAIL_LOGS+=("$log")
}

# e2e_check DESC CMD...: generic check, passes if CMD succeeds.
e2e_check() {
	local desc=$1
	shift
	if "$@"; then _e2e_ok; else _e2e_bad "$E2E_LAST_LOG" "$desc"; fi
}

# assert_qemu_rc N: the last run_qemu exited with status N (0 = the guest
# powered off by itself, 124 = timeout).
assert_qemu_rc() {
	if [ "$E2E_QEMU_RC" = "$1" ]; then _e2e_ok; else
		_e2e_bad "$E2E_LAST_LOG" "QEMU exit status: expected $1, got $E2E_QEMU_RC"
	fi
}

# assert_log_has LOG STRING [DESC]: LOG contains STRING (fixed string).
assert_log_has() {
	if grep -q -F -e "$2" "$1" 2>/dev/null; then _e2e_ok; else
		_e2e_bad "$1" "${3:-console should contain '$2'}"
	fi
}

# assert_log_lacks LOG STRING [DESC]: LOG does not contain STRING.
assert_log_lacks() {
	if grep -q -F -e "$2" "$1" 2>/dev/null; then
		_e2e_bad "$1" "${3:-console should not contain '$2'}"
	else _e2e_ok; fi
}

# assert_log_line LOG MARKER STRING [DESC]: some line with MARKER also
# contains STRING, e.g. assert_log_line log "KXB-CMDLINE:" "nonce=$n".
assert_log_line() {
	if grep -F -e "$2" "$1" 2>/dev/null | grep -q -F -e "$3"; then _e2e_ok; else
		_e2e_bad "$1" "${4:-a '$2' line should contain '$3'; got: $(log_value "$1" "$2")}"
	fi
}

# assert_log_order LOG FIRST SECOND: FIRST occurs on an earlier line than SECOND.
assert_log_order() {
	local a b
	a=$(grep -n -F -e "$2" "$1" 2>/dev/null | head -n1 | cut -d: -f1)
	b=$(grep -n -F -e "$3" "$1" 2>/dev/null | head -n1 | cut -d: -f1)
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; then _e2e_ok; else
		_e2e_bad "$1" "'$2' (line ${a:-none}) should come before '$3' (line ${b:-none})"
	fi
}

# assert_no_kxt_fail LOG: the guest DSL reported no KXT-FAIL.
assert_no_kxt_fail() {
	local fails
	fails=$(grep -F 'KXT-FAIL' "$1" 2>/dev/null | tr -d '\r' || true)
	if [ -z "$fails" ]; then _e2e_ok; else
		_e2e_bad "$1" "guest checks failed:
$fails"
	fi
}

# assert_kxt_pass_count LOG N: the guest DSL reported at least N KXT-PASS.
assert_kxt_pass_count() {
	local n
	n=$(grep -c -F 'KXT-PASS ' "$1" 2>/dev/null || true)
	if [ "${n:-0}" -ge "$2" ]; then _e2e_ok; else
		_e2e_bad "$1" "expected at least $2 KXT-PASS lines, got ${n:-0}"
	fi
}

# log_value LOG MARKER: the text after MARKER on its first line (no CR).
log_value() {
	grep -F -e "$2" "$1" 2>/dev/null | head -n1 | tr -d '\r' |
		awk -v m="$2" '{ i = index($0, m); s = substr($0, i + length(m)); sub(/^ /, "", s); print s }'
}

# e2e_boot_test "KX OPTIONS" [EXTRA [KERNEL]]: the whole chain. Kernel A runs
#   kx -l OPTIONS KERNEL --initrd=/b/initrd.gz [--initrd=/b/extra.gz] --append="... nonce"
# (KERNEL defaults to /b/vmlinuz; files put in $E2E_WORK/extra-root beforehand
# are added to initrd A)
#   kx -e
# and kernel B must show the nonce on its command line, initrd B's payload
# intact and, with EXTRA=1, the second initrd's file too. kx's stderr in kernel
# A is on the console, for further assert_log_* checks on $E2E_LOG.
# e2e_kernel_line BZIMAGE: the plan's "kernel:" line for BZIMAGE loaded by
# $KX_BIN through kexec_load, asked on the host with --dry-run only: whether
# this kx unpacks it at load ("kernel: unpacked at load (CODEC payload, N
# bytes), N relocations"; KASLR's random part cut off) or loads it as it is
# and why (a kx-static without the kernel's codec, e.g. built with
# STATIC_UNPACK="gzip xz lzo" for Debian's lz4 cloud kernels).
e2e_kernel_line() {
	local l
	l=$("$KX_BIN" --dry-run -c "$1" 2>/dev/null | grep -m1 '^  kernel: ') || true
	l=${l#  }
	echo "${l%%;*}"
}

e2e_boot_test() {
	local opts=$1 extra=${2:-0} kernel=${3:-/b/vmlinuz} nonce initrds extra_dir
	nonce=$(e2e_nonce)
	E2E_LOG=$E2E_WORK/console.log
	build_initrd_b "$E2E_WORK/initrd-b.gz" 2
	initrds="--initrd=/b/initrd.gz"
	# files a test put in $E2E_WORK/extra-root land in initrd A
	extra_dir=$E2E_WORK/extra-root
	mkdir -p "$extra_dir/b"
	if [ "$extra" = 1 ]; then
		build_initrd_extra "$extra_dir/b/extra.gz" second.bin
		initrds="$initrds --initrd=/b/extra.gz"
	fi
	export KX_E2E_EXTRA_DIR=$extra_dir
	cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect_rc 0 -n "kx -l $opts" -- kx -l $opts $kernel $initrds --append="$E2E_KARGS kxtest.nonce=$nonce"
echo "KXA-LOAD-OUTPUT: \$(echo "\$KXT_OUT" | tr '\n' '|')"
kx -e
kxt_fail "kx -e" "returned rc=\$? instead of booting kernel B"
EOF
	build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
	unset KX_E2E_EXTRA_DIR
	run_qemu "$E2E_LOG" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" ""
	assert_qemu_rc 0
	assert_no_kxt_fail "$E2E_LOG"
	assert_log_line "$E2E_LOG" "KXB-CMDLINE:" "kxtest.nonce=$nonce" \
		"kernel B should get the command line given to kx (nonce $nonce); got: $(log_value "$E2E_LOG" KXB-CMDLINE:)"
	assert_log_has "$E2E_LOG" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" \
		"kernel B should get initrd B intact; got: $(log_value "$E2E_LOG" KXB-PAYLOAD:)"
	if [ "$extra" = 1 ]; then
		assert_log_has "$E2E_LOG" "KXB-EXTRA: second.bin $KXB_EXTRA_SHA256" \
			"kernel B should get the second initrd's file intact"
	fi
	assert_log_has "$E2E_LOG" "KXB-DONE" "kernel B's /init should run to the end"
}
