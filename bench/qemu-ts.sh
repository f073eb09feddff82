#!/usr/bin/env bash
# qemu-ts.sh QEMU-ARGS...: stand-in for qemu-system-x86_64 (the harness's
# KX_E2E_QEMU) that dates every serial line on the host: the console still goes
# to stdout (run_qemu's log), and "<wall> <cpu> <line>" goes to $BENCH_TSLOG
# (see serial_ts.py).
# $BENCH_STOP (regex): end QEMU at the first matching line after "Starting new
# kernel". $BENCH_QEMU: the real QEMU (default qemu-system-x86_64).
# $BENCH_NICE (default -10): QEMU's nice value, so that other jobs on a small
# host take less of its core (needs root; ignored when it cannot be set).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
stop=()
[ -z "${BENCH_STOP:-}" ] || stop=(--stop "$BENCH_STOP")
nice=()
n=${BENCH_NICE:--10}
if [ "$n" != 0 ] && nice -n "$n" true 2>/dev/null && [ "$(nice -n "$n" nice)" = "$n" ]; then
	nice=(nice -n "$n")
fi
exec python3 "$here/serial_ts.py" "${BENCH_TSLOG:?}" "${stop[@]}" -- "${nice[@]}" "${BENCH_QEMU:-qemu-system-x86_64}" "$@"
