#!/usr/bin/env bash
# apt-arm64.sh DIR download PKG...   fetch Debian arm64 packages (.deb) into the cwd
# apt-arm64.sh DIR depends PKG       apt-cache depends, for the arm64 package
#
# Debian's arm64 packages on any Debian host, without changing the host's
# dpkg configuration (no dpkg --add-architecture): apt runs with its own
# arm64 package lists under DIR/apt, fetched once (delete DIR to refresh).
# Used by sysroot.sh (musl and libfdt for make ARCH=arm64) and by the arm64
# QEMU tests (kernel, busybox, and kexec-tools for the comparison).
# APT_ARCH (default arm64) picks another architecture: mk/arm/apt-armhf.sh.
set -eu
arch=${APT_ARCH:-arm64}
[ $# -ge 3 ] || { echo "usage: $0 DIR download|depends PKG..." >&2; exit 2; }
dir=$1 cmd=$2
shift 2
mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial"
dir=$(cd "$dir" && pwd)
opts=(-o APT::Architecture="$arch" -o APT::Architectures::="$arch"
	-o Dir::State::Lists="$dir/apt/lists" -o Dir::Cache="$dir/apt/cache"
	-o Dir::State::status=/dev/null -o Debug::NoLocking=1)
# as root, apt drops to user _apt, who cannot write our directories
[ "$(id -u)" != 0 ] || opts+=(-o APT::Sandbox::User=root)
if ! compgen -G "$dir/apt/lists/*Packages*" >/dev/null; then
	echo "apt-$arch: fetching Debian's $arch package lists into $dir/apt" >&2
	# apt-get update exits 100 when one index fails (e.g. a security
	# mirror without this architecture) while the main ones arrived: what
	# counts is that some package list is there, and download says if the
	# package is missing
	if ! apt-get -q "${opts[@]}" update >&2; then
		compgen -G "$dir/apt/lists/*Packages*" >/dev/null ||
			{ echo "apt-$arch: apt-get update failed" >&2; exit 1; }
		echo "apt-$arch: apt-get update reported errors; using the lists that arrived" >&2
	fi
fi
case $cmd in
	download) apt-get -q "${opts[@]}" download "$@" >&2 ;;
	depends) apt-cache "${opts[@]}" depends "$@" ;;
	*) echo "apt-$arch: unknown command $cmd" >&2; exit 2 ;;
esac
