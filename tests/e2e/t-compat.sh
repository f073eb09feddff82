#!/usr/bin/env bash
# t-compat.sh - the differential suite: kx installed as /sbin/kexec against
# Debian's kexec-tools, row by row (tests/e2e/compat/table), inside QEMU.
#
# One guest per tool runs every "run" row (each row:
# set up the state, run the exact argv of a caller, record the exit status
# class, /sys/kernel/kexec_loaded and kexec_crash_loaded, the fake shutdown's
# argv and, where callers parse it, whether stdout/stderr are empty), another
# every "noboot" row (no crashkernel= there). Every "boot" row gets one guest
# per tool: kernel B reports its command
# line and initrd digest (guest/init-b). Then the records of the two tools are
# compared field by field; a difference fails the test unless the table
# documents it (`expect ROW FIELD KXVALUE REASON`), in which case it is reported.
#
# The kexec-tools side is also checked on its own (a boot row must boot kernel B
# with initrd B intact, a noboot row must not), so the harness cannot pass by
# comparing two failures.
#
# Environment: KX_COMPAT_JOBS  QEMU guests at once (default 2)
#              KX_COMPAT_ROWS  only these boot rows (space separated; default all)
#              KX_COMPAT_BOOT_TIMEOUT  limit of one booting row's guest (default 120 s:
#                              ~10 s normally, but kernel B alone took up to 28 s on a loaded host)
set -eu
. "$(dirname "$0")/lib.sh"

TABLE=$E2E_DIR/compat/table
JOBS=${KX_COMPAT_JOBS:-2}
BOOT_TIMEOUT=${KX_COMPAT_BOOT_TIMEOUT:-120}

e2e_init
KT_ROOT=$E2E_CACHE/kexec-tools/guest
[ -x "$KT_ROOT/sbin/kexec" ] || e2e_die "no kexec-tools at $KT_ROOT (tests/e2e/fetch.sh fetches it)"
kt_version=$(cat "$E2E_CACHE/kexec-tools/VERSION" 2>/dev/null || echo '?')
e2e_log "reference: Debian kexec-tools $kt_version; kx: $KX_BIN"

# --- initrd A: both tools, the table, the runner, kernel B + initrd B --------
build_initrd_b "$E2E_WORK/initrd-b.gz" 1
extra=$E2E_WORK/extra
mkdir -p "$extra/opt/kt" "$extra/opt/kx" "$extra/compat" "$extra/sbin"
cp -a "$KT_ROOT/lib" "$KT_ROOT/lib64" "$extra/"
cp "$KT_ROOT/sbin/kexec" "$extra/opt/kt/kexec"
cp "$KX_BIN" "$extra/opt/kx/kexec"
cp "$TABLE" "$extra/compat/table"
cp "$E2E_DIR/compat/guest.sh" "$extra/compat/guest.sh"
cp "$E2E_DIR/compat/shutdown" "$extra/sbin/shutdown"
chmod 755 "$extra/sbin/shutdown" "$extra/opt/kt/kexec" "$extra/opt/kx/kexec"
run_nonce=$(e2e_nonce)
printf 'KARGS="%s"\nN=%s\n' "$E2E_KARGS" "$run_nonce" >"$extra/compat/env"
echo ". /compat/guest.sh" >"$E2E_WORK/scenario.sh"
KX_E2E_EXTRA_DIR=$extra build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"

# --- the rows ----------------------------------------------------------------
declare -A KIND EXTRA EXPECT
ROWS=()
BOOTROWS=()
while read -r name _ kind extrac _; do
	case $name in '' | '#'*) continue ;; esac
	[ "$name" = expect ] && continue
	KIND[$name]=$kind
	EXTRA[$name]=$extrac
	ROWS+=("$name")
	case $kind in boot) BOOTROWS+=("$name") ;; run | noboot) ;; *) e2e_die "row $name: bad kind '$kind'" ;; esac
done <"$TABLE"
declare -A EXPECTV
while read -r w erow efield evalue ereason; do
	[ "$w" = expect ] || continue
	[ -n "${KIND[$erow]:-}" ] || e2e_die "expect line for unknown row $erow"
	[ -n "$ereason" ] || e2e_die "expect line for $erow $efield: no kx value or no reason"
	EXPECT[$erow/$efield]=$ereason
	EXPECTV[$erow/$efield]=$evalue
done <"$TABLE"
if [ -n "${KX_COMPAT_ROWS:-}" ]; then
	# shellcheck disable=SC2206
	BOOTROWS=($KX_COMPAT_ROWS)
fi
e2e_log "${#ROWS[@]} rows, ${#BOOTROWS[@]} of them booting, in their own guests (x2 tools)"

# --- the guests (at most $JOBS at once) --------------------------------------
t0=$(_e2e_ms)
guest() { # LOG MEM TIMEOUT APPEND
	KX_E2E_MEM=$2 run_qemu "$1" "$3" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "$4" >/dev/null 2>&1 || true
}
nrun=0
throttle() {
	nrun=$((nrun + 1))
	if [ "$nrun" -ge "$JOBS" ]; then
		wait -n || true
		nrun=$((nrun - 1))
	fi
}
for tool in kt kx; do
	guest "$E2E_WORK/run-$tool.log" 1024 600 "crashkernel=160M kxd.mode=run kxd.tool=$tool" &
	throttle
	guest "$E2E_WORK/noboot-$tool.log" 1024 "$BOOT_TIMEOUT" "kxd.mode=noboot kxd.tool=$tool" &
	throttle
done
for row in "${BOOTROWS[@]}"; do
	for tool in kt kx; do
		guest "$E2E_WORK/boot-$tool-$row.log" 1024 "$BOOT_TIMEOUT" "kxd.mode=boot kxd.row=$row kxd.tool=$tool" &
		throttle
	done
done
wait
e2e_log "all guests done in $(_e2e_secs "$t0" "$(_e2e_ms)")s"

# --- records -----------------------------------------------------------------
declare -A R
for tool in kt kx; do
	log=$E2E_WORK/run-$tool.log
	assert_log_has "$log" "KXD-RUN-DONE" "the $tool run guest should reach the end of the table"
	assert_log_lacks "$log" "KXD-SETUP-FAIL" "$tool: every setup should succeed: $(grep -a KXD-SETUP-FAIL "$log" | tr -d '\r' | head -n3)"
	e2e_log "$(grep -a 'KXD-TOOL' "$log" | tr -d '\r') (run rows: $(log_value "$log" "KXA-UP:" | sed 's/.*up \([0-9.]*\)s.*/\1/')s .. $(grep -a 'KXD-ROW' "$log" | tail -n1 | sed 's/.* t=//' | tr -d '\r')s)"
done

# parse_row LOG TOOL ROW: the KXD-ROW fields into R[TOOL/ROW/FIELD]
parse_row() {
	local line kv
	line=$(grep -a "KXD-ROW tool=$2 row=$3 " "$1" | head -n1 | tr -d '\r')
	[ -n "$line" ] || return 1
	for kv in ${line#*KXD-ROW }; do
		R[$2/$3/${kv%%=*}]=${kv#*=}
	done
	R[$2/$3/msg]=$(grep -a "KXD-OUT tool=$2 row=$3 " "$1" | head -n1 | tr -d '\r' | sed 's/^.*KXD-OUT tool=[^ ]* row=[^ ]* //')
}

for row in "${ROWS[@]}"; do
	for tool in kt kx; do
		case ${KIND[$row]} in
			run)
				parse_row "$E2E_WORK/run-$tool.log" $tool "$row" ||
					_e2e_bad "$E2E_WORK/run-$tool.log" "$tool: no record for row $row"
				;;
			*)
				log=$E2E_WORK/boot-$tool-$row.log
				[ "${KIND[$row]}" = boot ] || log=$E2E_WORK/noboot-$tool.log
				[ -f "$log" ] || continue
				# kernel B's lines belong to the last row the guest started
				last=$(grep -a "KXD-BOOT tool=$tool row=" "$log" | tail -n1 | tr -d '\r' | sed 's/.* row=//')
				if [ "$last" = "$row" ] && grep -a -q "KXB-CMDLINE:" "$log"; then
					R[$tool/$row/booted]=yes
					# (kxd.tool= differs by design: --reuse-cmdline rows pass it on)
					R[$tool/$row/cmdline]=$(log_value "$log" "KXB-CMDLINE:" | sed 's/ kxd\.tool=[a-z]*//' | tr -s ' ' | sed 's/ $//')
					p=$(log_value "$log" "KXB-PAYLOAD:")
					if [ "$p" = "$KXB_PAYLOAD_SHA256" ]; then R[$tool/$row/initrd]=ok; else R[$tool/$row/initrd]=${p:-none}; fi
					for f in rc loaded crash out err stdout; do R[$tool/$row/$f]=-; done
					R[$tool/$row/msg]="(booted kernel B)"
				else
					R[$tool/$row/cmdline]=-
					R[$tool/$row/initrd]=-
					if parse_row "$log" $tool "$row"; then
						R[$tool/$row/booted]=no
					elif ! grep -a -q "KXD-BOOT tool=$tool row=$row\b" "$log"; then
						_e2e_bad "$log" "$tool: row $row never ran (an earlier noboot row booted?)"
						continue
					else
						# neither kernel B's markers nor a return: it booted
						# something that never reached B's /init (or hung)
						R[$tool/$row/booted]=hung
						for f in rc loaded crash out err stdout; do R[$tool/$row/$f]=-; done
						R[$tool/$row/msg]="(no kernel B, no return: $(grep -a -c . "$log") console lines, QEMU killed after ${BOOT_TIMEOUT}s?)"
					fi
				fi
				sd=$(log_value "$log" "KXD-SHUTDOWN:")
				R[$tool/$row/sd]=${sd:+${sd// /_}}
				R[$tool/$row/sd]=${R[$tool/$row/sd]:--}
				assert_log_lacks "$log" "KXD-SETUP-FAIL" "$tool $row: setup failed"
				;;
		esac
	done
done

# --- the reference must do what the row says --------------------------------
for row in "${ROWS[@]}"; do
	case ${KIND[$row]} in
		boot)
			printf '%s\n' "${BOOTROWS[@]}" | grep -qx -e "$row" || continue
			e2e_check "kexec-tools should boot kernel B in row $row (got booted=${R[kt/$row/booted]:-?} rc=${R[kt/$row/raw]:-?}: ${R[kt/$row/msg]:-})" \
				test "${R[kt/$row/booted]:-}" = yes
			e2e_check "kexec-tools row $row: kernel B's initrd should be intact" \
				test "${R[kt/$row/initrd]:-}" = ok
			;;
		noboot)
			e2e_check "kexec-tools should not boot kernel B in row $row" \
				test "${R[kt/$row/booted]:-}" = no
			;;
	esac
done

# --- compare -------------------------------------------------------------------
ndiff=0
nexp=0
nfield=0
report=$E2E_WORK/differences.txt
: >"$report"
for row in "${ROWS[@]}"; do
	case ${KIND[$row]} in
		run) fields="rc loaded crash sd" ;;
		*) fields="booted cmdline initrd sd rc loaded crash" ;;
	esac
	[ "${EXTRA[$row]}" = - ] || fields="$fields ${EXTRA[$row]//,/ }"
	[ -n "${R[kt/$row/rc]:-}${R[kt/$row/booted]:-}" ] || continue
	rowbad=0
	for f in $fields; do
		a=${R[kt/$row/$f]:-?}
		b=${R[kx/$row/$f]:-?}
		nfield=$((nfield + 1))
		[ "$a" = "$b" ] && continue
		reason=${EXPECT[$row/$f]:-}
		if [ -n "$reason" ] && [ "$b" = "${EXPECTV[$row/$f]}" ]; then
			nexp=$((nexp + 1))
			printf 'EXPECTED %-24s %-8s kexec-tools=%s kx=%s (%s)\n' "$row" "$f" "$a" "$b" "$reason" >>"$report"
		else
			ndiff=$((ndiff + 1))
			rowbad=1
			printf 'DIFF     %-24s %-8s kexec-tools=%s kx=%s%s\n' "$row" "$f" "$a" "$b" \
				"${reason:+ (documented: kx=${EXPECTV[$row/$f]})}" >>"$report"
		fi
	done
	if [ "$rowbad" = 1 ]; then
		printf '         %-24s kexec-tools said: %s\n' "$row" "${R[kt/$row/msg]:-}" >>"$report"
		printf '         %-24s kx said:          %s\n' "$row" "${R[kx/$row/msg]:-}" >>"$report"
	fi
done
e2e_log "compared $nfield fields of ${#ROWS[@]} rows: $ndiff differ, $nexp documented differences"
if [ -s "$report" ]; then
	e2e_log "differences (kexec-tools $kt_version vs kx):"
	sed 's/^/    /' "$report" >&2
fi
e2e_check "kx should behave as kexec-tools in every row ($ndiff undocumented differences; $report)" \
	test "$ndiff" -eq 0
e2e_finish
