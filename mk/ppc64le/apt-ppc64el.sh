#!/usr/bin/env bash
# apt-ppc64el.sh DIR download|depends PKG... - Debian's ppc64el packages, as
# mk/arm64/apt-arm64.sh does for arm64 (own package lists under DIR/apt,
# the host's dpkg setup untouched). Used by sysroot.sh and tests/e2e/ppc64le.
APT_ARCH=ppc64el exec "$(dirname "$0")/../arm64/apt-arm64.sh" "$@"
