#!/usr/bin/env bash
# apt-i386.sh DIR download PKG...   fetch Debian i386 packages (.deb) into the cwd
# apt-i386.sh DIR depends PKG       apt-cache depends, for the i386 package
#
# Debian's i386 packages on an x86_64 Debian host, without changing the
# host's dpkg configuration (no dpkg --add-architecture): apt runs with its
# own i386 package lists under DIR/apt, fetched once (delete DIR to refresh).
# `apt-get update` may exit 100 when one index (often the security one) fails
# to download while the others are fine: that is not fatal here; what counts
# is that the packages asked for download. Used by sysroot.sh (musl for
# make ARCH=i386) and by the i386 QEMU tests (kernels, busybox).
set -eu
[ $# -ge 3 ] || { echo "usage: $0 DIR download|depends PKG..." >&2; exit 2; }
dir=$1 cmd=$2
shift 2
mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial"
dir=$(cd "$dir" && pwd)
opts=(-o APT::Architecture=i386 -o APT::Architectures::=i386
	-o Dir::State::Lists="$dir/apt/lists" -o Dir::Cache="$dir/apt/cache"
	-o Dir::State::status=/dev/null -o Debug::NoLocking=1)
# as root, apt drops to user _apt, who cannot write our directories
[ "$(id -u)" != 0 ] || opts+=(-o APT::Sandbox::User=root)
if ! compgen -G "$dir/apt/lists/*Packages*" >/dev/null; then
	echo "apt-i386: fetching Debian's i386 package lists into $dir/apt" >&2
	apt-get -q "${opts[@]}" update >&2 ||
		echo "apt-i386: apt-get update reported a failure; going on with the lists it got" >&2
	compgen -G "$dir/apt/lists/*Packages*" >/dev/null ||
		{ echo "apt-i386: no i386 package list could be downloaded" >&2; exit 1; }
fi
case $cmd in
	download)
		apt-get -q "${opts[@]}" download "$@" >&2 ||
			{ echo "apt-i386: could not download: $*" >&2; exit 1; }
		;;
	depends) apt-cache "${opts[@]}" depends "$@" ;;
	*) echo "apt-i386: unknown command $cmd" >&2; exit 2 ;;
esac
