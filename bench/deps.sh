#!/bin/sh
# deps.sh - what `make bench` needs beyond tests/deps.sh (Debian 12):
# gnuplot (the chart), OpenSSL's headers (the SHA-256 baseline), qemu-user
# (the digest micro-benchmark under TCG), musl-tools (rsstime, kx-static),
# python3 (the serial timestamps and the report). Idempotent; needs root (or
# sudo) only to install.
set -eu
pkgs="gnuplot-nox libssl-dev qemu-user musl-tools python3 binutils"
missing=""
for p in $pkgs; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
# python3 may come from elsewhere (pyenv); then Debian's is not needed
if command -v python3 >/dev/null 2>&1; then
	missing=$(echo "$missing" | tr ' ' '\n' | grep -vx python3 | tr '\n' ' ')
fi
[ -n "$(echo "$missing" | tr -d ' ')" ] || exit 0
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
echo "bench deps: installing:$missing"
$sudo apt-get update -q >/dev/null
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing >/dev/null
