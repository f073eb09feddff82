#!/bin/sh
# Install what building and testing kx needs (Debian 12). Idempotent: does
# nothing when everything is present. Needs root (or sudo) only to install.
set -eu
here=$(dirname "$0")
pkgs="make gcc gcc-i686-linux-gnu libc6-dev-i386-cross binutils musl-tools clang libclang-rt-14-dev qemu-system-x86 cpio gzip lz4
      qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross libfdt-dev zlib1g-dev
      gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-user device-tree-compiler
      gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross
      abigail-tools pkgconf
      e2fsprogs dosfstools xfsprogs btrfs-progs xorriso fdisk util-linux
      libbz2-dev liblz4-dev liblzo2-dev libzstd-dev bzip2 xz-utils lzop zstd
      dpkg-dev debian-archive-keyring"
[ -f "$here/e2e/deps.txt" ] && pkgs="$pkgs $(grep -v '^#' "$here/e2e/deps.txt" | tr '\n' ' ')"
missing=""
for p in $pkgs; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
# apt-get download (kernel and busybox fixtures) needs package lists
lists=$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' 2>/dev/null | head -1)
[ -z "$missing" ] && [ -n "$lists" ] && exit 0
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
echo "deps: installing:${missing:- (package lists only)}"
$sudo apt-get update -q >/dev/null
# shellcheck disable=SC2086
[ -z "$missing" ] || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing >/dev/null
