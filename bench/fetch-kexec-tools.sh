#!/usr/bin/env bash
# fetch-kexec-tools.sh - download (never install) Debian's kexec-tools and
# the shared libraries its kexec needs, and lay them out as a guest root:
#
#   $KX_E2E_CACHE/kexec-tools/debs/       the .deb files (for the record)
#   $KX_E2E_CACHE/kexec-tools/unpacked/   dpkg -x of all of them
#   $KX_E2E_CACHE/kexec-tools/guest/      sbin/kexec + lib64/ld-linux-x86-64.so.2
#                                         + lib/x86_64-linux-gnu/*.so.* (from ldd)
#   $KX_E2E_CACHE/kexec-tools/VERSION     the kexec-tools package version
#
# Debian's kexec is dynamically linked against glibc and libxenctrl (Xen
# support), which pulls in seven more Xen libraries. The guests have no libc,
# so everything ldd lists is copied into guest/, which the benchmark copies
# over initrd A's root. Nothing here is ever committed (the cache is
# gitignored) and nothing is installed on the host.
#
# Prints the guest/ directory on stdout. Idempotent.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cache=${KX_E2E_CACHE:-$root/tests/e2e/cache}
dir=$cache/kexec-tools
say() { echo "fetch-kexec-tools: $*" >&2; }
die() { echo "fetch-kexec-tools: error: $*" >&2; exit 1; }

if [ -x "$dir/guest/sbin/kexec" ] && [ -f "$dir/VERSION" ]; then
	printf '%s\n' "$dir/guest"
	exit 0
fi

# kexec-tools, and the libraries of `ldd kexec`: libxenctrl.so.4.17 is in
# libxenmisc4.17; it needs libxentoollog, libxencall, libxenevtchn,
# libxengnttab, libxenforeignmemory, libxendevicemodel and libxentoolcore.
pkgs="kexec-tools libxenmisc4.17 libxentoollog1 libxencall1 libxenevtchn1
      libxengnttab1 libxenforeignmemory1 libxendevicemodel1 libxentoolcore1"

mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.kt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/debs" "$tmp/unpacked" "$tmp/guest/sbin" "$tmp/guest/lib64" \
	"$tmp/guest/lib/x86_64-linux-gnu"
opts=()
[ "$(id -u)" != 0 ] || opts=(-o APT::Sandbox::User=root)
say "downloading $(echo "$pkgs" | tr -s ' \n' '  ')"
# shellcheck disable=SC2086
(cd "$tmp/debs" && apt-get "${opts[@]}" -q download $pkgs >&2) ||
	die "apt-get download failed (has 'apt-get update' been run?)"
for d in "$tmp"/debs/*.deb; do dpkg -x "$d" "$tmp/unpacked"; done
kexec=$tmp/unpacked/sbin/kexec
[ -x "$kexec" ] || die "kexec-tools has no sbin/kexec"
cp "$kexec" "$tmp/guest/sbin/kexec"
dpkg-deb -f "$tmp"/debs/kexec-tools_*.deb Version >"$tmp/VERSION"

libdir=$tmp/unpacked/usr/lib/x86_64-linux-gnu
ldd_out=$(LD_LIBRARY_PATH=$libdir ldd "$kexec") || die "ldd $kexec failed"
if grep -q 'not found' <<<"$ldd_out"; then
	die "kexec needs libraries not in the list above:
$(grep 'not found' <<<"$ldd_out")"
fi
# "libfoo.so.1 => /path (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
while read -r a b c _; do
	if [ "$b" = "=>" ] && [ -f "$c" ]; then
		cp -L "$c" "$tmp/guest/lib/x86_64-linux-gnu/$a"
	elif [ -f "$a" ]; then
		cp -L "$a" "$tmp/guest/lib64/$(basename "$a")"
	fi
done <<<"$ldd_out"
[ -f "$tmp/guest/lib64/ld-linux-x86-64.so.2" ] || die "no dynamic loader found by ldd"
say "kexec-tools $(cat "$tmp/VERSION"): $(find "$tmp/guest/lib" -type f | wc -l) libraries for the guest"

rm -rf "$dir"
mkdir -p "$dir"
mv "$tmp/debs" "$tmp/unpacked" "$tmp/guest" "$tmp/VERSION" "$dir/"
printf '%s\n' "$dir/guest"
