# shellcheck shell=sh
# t.sh - tiny assertion DSL for guest scenario scripts (busybox ash).
#
# It is installed as /t.sh in initrd A; scenarios start with `. /t.sh`.
# Every check prints exactly one line on the console, which the host greps:
#   KXT-PASS <name>
#   KXT-FAIL <name>: expected ..., got rc=.. out=..
#
#   expect_rc N [opts] -- cmd args...      exit code must be N
#   expect_out STR [opts] -- cmd args...   exit code 0 (or -r N) and the
#                                          output (stdout+stderr) contains STR
#   expect [opts] -- cmd args...           the general form; opts:
#       -n NAME   name printed in the PASS/FAIL line (default: the command)
#       -r N      expected exit code (default 0; "any" = do not check)
#       -o STR    output must contain STR
#       -x STR    output must NOT contain STR
#   kxt_pass NAME / kxt_fail NAME WHY      record a result by hand
#   kxt_note TEXT                          print "KXT-NOTE TEXT"
#   kxt_summary                            print "KXT-SUMMARY pass=N fail=M"
#
# After each expect*, $KXT_RC and $KXT_OUT hold the command's exit code and
# output, for further checks. The functions return 0 on pass, 1 on fail (a
# scenario is not `set -e`, so it carries on after a failed check).
# Variables are prefixed _kxt_ because ash scripts share one namespace.

KXT_NPASS=0
KXT_NFAIL=0
KXT_RC=0
KXT_OUT=

# _kxt_flat TEXT MAX: TEXT on one line (newlines shown as '|'), at most MAX bytes.
_kxt_flat() {
	printf '%s' "$1" | tr '\r\n' ' |' | head -c "$2"
}

kxt_pass() {
	KXT_NPASS=$((KXT_NPASS + 1))
	echo "KXT-PASS $1"
}

kxt_fail() {
	KXT_NFAIL=$((KXT_NFAIL + 1))
	echo "KXT-FAIL $1: $2"
}

kxt_note() {
	echo "KXT-NOTE $*"
}

kxt_summary() {
	echo "KXT-SUMMARY pass=$KXT_NPASS fail=$KXT_NFAIL"
	[ "$KXT_NFAIL" -eq 0 ]
}

expect() {
	_kxt_name='' _kxt_rc=0 _kxt_has='' _kxt_hasnt='' _kxt_want_has='' _kxt_want_hasnt=''
	_kxt_nl='
'
	while [ $# -gt 0 ]; do
		case $1 in
			-n) _kxt_name=$2; shift 2 ;;
			-r) _kxt_rc=$2; shift 2 ;;
			-o) _kxt_has="$_kxt_has${_kxt_want_has:+$_kxt_nl}$2"; _kxt_want_has=1; shift 2 ;;
			-x) _kxt_hasnt="$_kxt_hasnt${_kxt_want_hasnt:+$_kxt_nl}$2"; _kxt_want_hasnt=1; shift 2 ;;
			--) shift; break ;;
			*) kxt_fail "${_kxt_name:-expect}" "bad usage near '$1' (missing --?)"; return 1 ;;
		esac
	done
	if [ $# -eq 0 ]; then
		kxt_fail "${_kxt_name:-expect}" "no command given"
		return 1
	fi
	[ -n "$_kxt_name" ] || _kxt_name=$(_kxt_flat "$*" 100)

	KXT_OUT=$("$@" 2>&1 </dev/null)
	KXT_RC=$?

	_kxt_want='' _kxt_bad=0
	if [ "$_kxt_rc" != any ]; then
		_kxt_want="rc=$_kxt_rc"
		[ "$KXT_RC" = "$_kxt_rc" ] || _kxt_bad=1
	fi
	# every -o must be in the output, no -x may be (one per line in the lists;
	# no globbing while they are split)
	set -f
	_kxt_ifs=$IFS IFS=$_kxt_nl
	for _kxt_s in $_kxt_has; do
		_kxt_want="${_kxt_want:+$_kxt_want and }output containing '$_kxt_s'"
		case $KXT_OUT in *"$_kxt_s"*) ;; *) _kxt_bad=1 ;; esac
	done
	for _kxt_s in $_kxt_hasnt; do
		_kxt_want="${_kxt_want:+$_kxt_want and }output without '$_kxt_s'"
		case $KXT_OUT in *"$_kxt_s"*) _kxt_bad=1 ;; esac
	done
	IFS=$_kxt_ifs
	set +f

	if [ "$_kxt_bad" = 0 ]; then
		kxt_pass "$_kxt_name"
		return 0
	fi
	kxt_fail "$_kxt_name" "expected ${_kxt_want:-nothing}, got rc=$KXT_RC out=$(_kxt_flat "$KXT_OUT" 600)"
	return 1
}

# expect_rc N [opts] -- cmd...
expect_rc() {
	_kxt_n=$1
	shift
	expect -r "$_kxt_n" "$@"
}

# expect_out STR [opts] -- cmd...
expect_out() {
	_kxt_s=$1
	shift
	expect -o "$_kxt_s" "$@"
}
