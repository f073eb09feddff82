#!/usr/bin/env bash
# run.sh [TEST...] - the ppc64le end-to-end tests (qemu-system-ppc64 -M pseries
# -cpu POWER9, TCG), run by the arm64 runner: same arguments, output and exit
# codes (../arm64/run.sh). Needs build/ppc64le/kx-static (make ARCH=ppc64le
# static) and qemu-system-ppc (qemu-system-ppc64 and SLOF).
here=$(cd "$(dirname "$0")" && pwd)
KX_E2E_ARCH_DIR=$here exec "$here/../arm64/run.sh" "$@"
