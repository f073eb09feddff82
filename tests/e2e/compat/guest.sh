# shellcheck shell=sh disable=SC2086,SC2034,SC1091
# (SC2034: OPTS, CRASH_OPTS, extra are used by the eval'd rows; SC1091: /compat/env is made by t-compat.sh)
# compat/guest.sh - the differential suite inside kernel A (busybox ash),
# sourced by /scenario.sh. t-compat.sh puts in initrd A:
#   /opt/kt/kexec   Debian's kexec-tools (its libraries under /lib, /lib64)
#   /opt/kx/kexec   kx (static), a copy named kexec
#   /compat/table   the rows;  /compat/env  KARGS=..., N=...
#   /sbin/shutdown  the fake shutdown (compat/shutdown)
# Kernel A's command line says what to do:
#   kxd.mode=run kxd.tool=T           every "run" row with tool T
#   kxd.mode=noboot kxd.tool=T        every "noboot" row with tool T (a row
#                                     that boots after all ends the guest)
#   kxd.mode=boot kxd.row=R kxd.tool=T  the one boot/noboot row R with tool T
# For each row that returns, one line:
#   KXD-ROW tool=T row=R rc=C loaded=0|1 crash=0|1 out=empty|text err=empty|text sd=ARGV stdout=TEXT raw=N t=UPTIME
#   KXD-OUT tool=T row=R <stdout and stderr, flattened>
. /compat/env
K=/b/vmlinuz
I=/b/initrd.gz
KT=/opt/kt/kexec

kxd_arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | head -n1; }

kxd_state() { echo "$(cat /sys/kernel/kexec_loaded)$(cat /sys/kernel/kexec_crash_loaded)"; }

kxd_use() {
	cp "/opt/$1/kexec" /sbin/kexec
	chmod 755 /sbin/kexec
}

# kxd_setup ROW none|normal|crash|both: the state before the row, made with
# kexec-tools (the reference) through kexec_load without digests (-c -i: the
# cheapest load under TCG). Kept if already there.
kxd_setup() {
	case $2 in
		none) w=00 ;; normal) w=10 ;; crash) w=01 ;; both) w=11 ;;
		*) echo "KXD-SETUP-FAIL row=$1 bad setup '$2'"; return 1 ;;
	esac
	cur=$(kxd_state)
	so="$KARGS kxd.setup=$1 kxd.n=$N"
	# the normal and the crash image independently: load what is missing,
	# unload what is too much
	case $cur$w in
		0?1?) $KT -c -i -l $K --initrd=$I --append="$so" </dev/null >/dev/null 2>&1 ;;
		1?0?) $KT -u </dev/null >/dev/null 2>&1 ;;
	esac
	case $cur$w in
		?0?1) $KT -c -i -p $K --initrd=$I --append="$so" </dev/null >/dev/null 2>&1 ;;
		?1?0) $KT -p -u </dev/null >/dev/null 2>&1 ;;
	esac
	[ "$(kxd_state)" = "$w" ] || echo "KXD-SETUP-FAIL row=$1 want=$w got=$(kxd_state)"
}

# kxd_row TOOL NAME SETUP CMD: set up, run CMD, print what happened.
kxd_row() {
	tool=$1 name=$2
	OPTS="$KARGS kxd.row=$name kxd.n=$N"
	CRASH_OPTS="$OPTS reset_devices nr_cpus=1 irqpoll"
	kxd_setup "$name" "$3"
	rm -f /tmp/sd.argv /tmp/o /tmp/e
	(eval "$4") </dev/null >/tmp/o 2>/tmp/e
	raw=$?
	case $raw in 0 | 1 | 2 | 255) rc=$raw ;; *) rc=other ;; esac
	o=empty e=empty sd=-
	[ -s /tmp/o ] && o=text
	[ -s /tmp/e ] && e=text
	[ -f /tmp/sd.argv ] && sd=$(tr ' ' '_' </tmp/sd.argv)
	so=$(head -c 200 /tmp/o | tr ' \t\r\n' '___|')
	echo "KXD-ROW tool=$tool row=$name rc=$rc loaded=$(cat /sys/kernel/kexec_loaded) crash=$(cat /sys/kernel/kexec_crash_loaded) out=$o err=$e sd=$sd stdout=${so:--} raw=$raw t=$(cut -d' ' -f1 /proc/uptime)"
	echo "KXD-OUT tool=$tool row=$name $(cat /tmp/o /tmp/e | tr '\r\n' ' |' | head -c 400)"
}

N=${N:-0}
mode=$(kxd_arg kxd.mode)
case $mode in
	run | noboot)
		# run rows never exec: a shutdown is only recorded; noboot rows might
		# (a wrong tool), so there it execs as in boot rows
		if [ "$mode" = run ]; then echo record >/tmp/sd.mode; else echo exec >/tmp/sd.mode; fi
		tool=$(kxd_arg kxd.tool)
		kxd_use "$tool"
		echo "KXD-TOOL $tool: $(/sbin/kexec -v 2>&1 | head -n1)"
		while read -r name setup kind extra cmd; do
			case $name in '' | '#'* | expect) continue ;; esac
			[ "$kind" = "$mode" ] || continue
			[ "$mode" = run ] || echo "KXD-BOOT tool=$tool row=$name"
			kxd_row "$tool" "$name" "$setup" "$cmd"
		done </compat/table
		echo "KXD-RUN-DONE"
		;;
	boot)
		row=$(kxd_arg kxd.row)
		tool=$(kxd_arg kxd.tool)
		echo exec >/tmp/sd.mode
		kxd_use "$tool"
		line=$(grep "^${row}[[:space:]]" /compat/table | head -n1)
		[ -n "$line" ] || echo "KXD-SETUP-FAIL row=$row not in the table"
		read -r name setup kind extra cmd <<EOF
$line
EOF
		echo "KXD-BOOT tool=$tool row=$row"
		kxd_row "$tool" "$name" "$setup" "$cmd"
		;;
	*)
		echo "KXD-SETUP-FAIL no kxd.mode on the command line"
		;;
esac
