#!/usr/bin/env bash
# run.sh [TEST...] - the i386 end-to-end tests (qemu-system-i386, TCG), run
# by the arm64 runner: same arguments, output and exit codes (../arm64/run.sh).
# Needs build/i386/kx-static (make ARCH=i386 static) and qemu-system-i386.
here=$(cd "$(dirname "$0")" && pwd)
KX_E2E_ARCH_DIR=$here exec "$here/../arm64/run.sh" "$@"
