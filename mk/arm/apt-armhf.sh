#!/usr/bin/env bash
# apt-armhf.sh DIR download|depends PKG... - Debian's armhf packages, as
# mk/arm64/apt-arm64.sh does for arm64 (own package lists under DIR/apt,
# the host's dpkg setup untouched). Used by sysroot.sh and tests/e2e/arm.
APT_ARCH=armhf exec "$(dirname "$0")/../arm64/apt-arm64.sh" "$@"
