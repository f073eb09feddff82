#!/usr/bin/env python3
"""serial_ts.py TSLOG [--stop REGEX] -- CMD...

Runs CMD (QEMU with -serial stdio) with its stdout on a pipe, passes every
byte through to our stdout unchanged, and writes each serial line to TSLOG as

    <wall> <cpu> <line>

wall: seconds since CMD started (host monotonic clock); cpu: seconds of CPU
time CMD (all its threads: QEMU's vCPU and I/O threads) has run so far, from
/proc/PID/task/*/schedstat. On a busy host the wall clock of a TCG guest
stretches while CMD waits for a core; its CPU time does not, so differences
of cpu between two lines measure the guest's work even then.

Both are taken when the line's first byte arrives on the pipe, so a line that
the guest prints slowly (a character per port write) is dated by its start.
QEMU writes serial output unbuffered, so the delay between the guest's port
write and our read is a pipe wake-up: microseconds.

--stop REGEX: once a line containing "Starting new kernel" has been seen,
the first later line matching REGEX ends the run: CMD is terminated and we
exit 0 (the benchmark has what it needs; kernel B's boot is not timed).
SIGTERM/SIGINT (e.g. from timeout(1)) are passed on to CMD.
"""
import os
import re
import signal
import subprocess
import sys
import time

START_MARK = b"Starting new kernel"


def cpu_seconds(pid):
    """CPU time of every thread of pid so far (schedstat: ns on the CPU)."""
    total = 0
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return None
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total / 1e9


def main(argv):
    if "--" not in argv:
        sys.stderr.write(__doc__)
        return 2
    sep = argv.index("--")
    opts, cmd = argv[:sep], argv[sep + 1:]
    if not opts or not cmd:
        sys.stderr.write(__doc__)
        return 2
    tslog = opts[0]
    stop = None
    if len(opts) >= 3 and opts[1] == "--stop":
        stop = re.compile(opts[2].encode())

    t0 = time.monotonic()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, bufsize=0)

    def forward(sig, _frame):
        if child.poll() is None:
            child.send_signal(sig)
        # let the read loop see EOF and exit with the child's status
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)

    out = sys.stdout.buffer
    fd = child.stdout.fileno()
    stopped = False
    seen_start = False
    line = b""
    t_line = c_line = None
    last_cpu = 0.0
    with open(tslog, "w", buffering=1) as log:
        def emit(raw, t, c):
            nonlocal seen_start, stopped
            text = raw.rstrip(b"\r\n").replace(b"\r", b"")
            log.write("%.6f %.6f %s\n" % (t - t0, c, text.decode("utf-8", "replace")))
            if START_MARK in text:
                seen_start = True
            elif seen_start and stop is not None and not stopped and stop.search(text):
                stopped = True
                log.write("%.6f %.6f [serial_ts: stop pattern seen, ending QEMU]\n" % (time.monotonic() - t0, c))
                child.terminate()

        while True:
            try:
                chunk = os.read(fd, 65536)
            except InterruptedError:
                continue
            now = time.monotonic()
            if not chunk:
                break
            cpu = cpu_seconds(child.pid)
            if cpu is None:
                cpu = last_cpu
            last_cpu = cpu
            try:
                out.write(chunk)
                out.flush()
            except BrokenPipeError:
                pass
            start = 0
            while start < len(chunk):
                if t_line is None:
                    t_line, c_line = now, cpu
                nl = chunk.find(b"\n", start)
                if nl < 0:
                    line += chunk[start:]
                    break
                line += chunk[start:nl + 1]
                emit(line, t_line, c_line)
                line, t_line, c_line = b"", None, None
                start = nl + 1
        if line:
            emit(line, t_line if t_line is not None else time.monotonic(),
                 c_line if c_line is not None else last_cpu)
    rc = child.wait()
    if stopped:
        return 0
    return rc if rc >= 0 else 128 - rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
