#!/usr/bin/env python3
"""serial-keys.py SOCKET LOG TIMEOUT STEP... - a dumb terminal on a QEMU
serial port: connects to the chardev socket QEMU serves (server=on,wait=on:
the guest starts once this is connected), copies everything the guest writes
into LOG, and plays STEPs in order:
  wait:TEXT   wait until the output (after the previous wait's match) holds
              TEXT (escape sequences are in the output as they came: match
              the plain text a row shows)
  send:KEYS   send KEYS; \\e is Esc, \\r Enter, \\xNN a byte (so "\\e[B" is
              the down arrow as a VT100 sends it)
  sleep:SECS  pause
Then it keeps logging until QEMU closes the socket (the guest powered off).
Exits 0 when every step ran, 1 when a wait timed out (the step is named on
stderr, and in LOG as a line "[serial-keys: ...]"), 2 if it never connected.
The whole run, connection included, is bounded by TIMEOUT seconds."""
import codecs
import os
import select
import socket
import sys
import time

sock_path, log_path, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
steps = sys.argv[4:]
end = time.monotonic() + timeout
log = open(log_path, "wb")


def note(msg):
    sys.stderr.write("serial-keys: %s\n" % msg)
    log.write(("\n[serial-keys: %s]\n" % msg).encode())
    log.flush()


s = None
while time.monotonic() < end:
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sock_path)
        break
    except OSError:
        s.close()
        s = None
        time.sleep(0.1)
if s is None:
    note("never connected to %s" % sock_path)
    sys.exit(2)

seen = b""   # output since the last match
eof = False


def pump(wait):
    """Read what is there (waiting at most `wait` s); False at EOF."""
    global seen, eof
    if eof:
        return False
    r, _, _ = select.select([s], [], [], max(0.0, wait))
    if not r:
        return True
    try:
        b = s.recv(65536)
    except OSError:
        b = b""
    if not b:
        eof = True
        return False
    log.write(b)
    log.flush()
    seen += b
    return True


rc = 0
for st in steps:
    kind, _, arg = st.partition(":")
    if kind == "wait":
        want = arg.encode()
        while want not in seen:
            if time.monotonic() >= end or not pump(min(0.5, end - time.monotonic())):
                note("timed out or the guest stopped before it showed %r" % arg)
                rc = 1
                break
        if rc:
            break
        seen = seen[seen.index(want) + len(want):]
    elif kind == "send":
        data = codecs.escape_decode(arg.replace("\\e", "\\x1b").encode())[0]
        s.sendall(data)
    elif kind == "sleep":
        t = time.monotonic() + float(arg)
        while time.monotonic() < t and pump(t - time.monotonic()):
            pass
    else:
        note("bad step %r" % st)
        rc = 1
        break
while time.monotonic() < end and pump(min(0.5, end - time.monotonic())):
    pass
log.close()
sys.exit(rc)
