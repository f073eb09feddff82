#!/usr/bin/env bash
# apt-arm64.sh DIR download PKG...   fetch Debian arm64 packages (.deb) into the cwd
# apt-arm64.sh DIR depends PKG       apt-cache depends, for the arm64 package
#
# Debian's arm64 packages on any Debian host, without changing the host's
# dpkg configuration (no dpkg --add-architecture): apt runs with its own
# arm64 package lists under DIR/apt, fetched once (delete DIR to refresh).
# Used by sysroot.sh (musl and libfdt for make ARCH=arm64) and by the arm64
# QEMU tests (kernel, busybox, and kexec-tools for the comparison).
set -eu
[ $# -ge 3 ] || { echo "usage: $0 DIR download|depends PKG..." >&2; exit 2; }
dir=$1 cmd=$2
shift 2
mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial"
dir=$(cd "$dir" && pwd)
opts=(-o APT::Architecture=arm64 -o APT::Architectures::=arm64
	-o Dir::State::Lists="$dir/apt/lists" -o Dir::Cache="$dir/apt/cache"
	-o Dir::State::status=/dev/null -o Debug::NoLocking=1)
# as root, apt drops to user _apt, who cannot write our directories
[ "$(id -u)" != 0 ] || opts+=(-o APT::Sandbox::User=root)
if ! compgen -G "$dir/apt/lists/*Packages*" >/dev/null; then
	echo "apt-arm64: fetching Debian's arm64 package lists into $dir/apt" >&2
	apt-get -q "${opts[@]}" update >&2 || { echo "apt-arm64: apt-get update failed" >&2; exit 1; }
fi
case $cmd in
	download) apt-get -q "${opts[@]}" download "$@" >&2 ;;
	depends) apt-cache "${opts[@]}" depends "$@" ;;
	*) echo "apt-arm64: unknown command $cmd" >&2; exit 2 ;;
esac
