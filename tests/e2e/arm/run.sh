#!/usr/bin/env bash
# run.sh [TEST...] - the 32-bit ARM end-to-end tests (qemu-system-arm -M virt
# -cpu cortex-a15, TCG), run by the arm64 runner: same arguments, output and
# exit codes (../arm64/run.sh). Needs build/arm/kx-static (make ARCH=arm static).
here=$(cd "$(dirname "$0")" && pwd)
KX_E2E_ARCH_DIR=$here exec "$here/../arm64/run.sh" "$@"
