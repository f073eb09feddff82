#!/bin/sh
# mk/codecs.sh OUT ARCH CC AR [CFLAGS]: kx-static's decompressors as decoder-only
# static libraries, built from Debian 12's source packages (docs/compression.md,
# "What each library costs"): OUT/libz.a (zlib's inflate, CRC-32, Adler-32),
# OUT/liblzo2.a (lzo1x_decompress_safe and the checksums) and OUT/liblz4.a (the
# block and frame decoders: the kernel's KERNEL_LZ4 payloads).
#
# mk/codecs.sh --src DIR: the xz and lzma decoders' sources, into DIR: XZ
# Embedded (Lasse Collin, public domain; busybox's archival/libarchive/unxz/,
# the decoder Linux's own boot decompressor runs) and the LZMA SDK's LzmaDec
# (Igor Pavlov, public domain). They are no library of their own: libkx/unpack.c
# includes them, so every build of kx (kx-static, the dynamic kx and libkx, the
# unit tests and fuzzers, every ARCH) runs the same decoder, with the running
# architecture's BCJ filter only.
#
# The sources come from the download cache (KX_CODEC_SRC, default
# tests/e2e/cache/codec-src); the first run fetches them with apt-get source
# --download-only (a private deb-src list: the system's apt configuration is not
# touched), pinned by the SHA-256 of each .dsc; dpkg-source then checks the
# tarballs against the .dsc and applies Debian's patches. Offline, from the
# cache, the build is the same every time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${KX_CODEC_SRC:-$(dirname "$here")/tests/e2e/cache/codec-src}
mirror=${KX_CODEC_MIRROR:-http://deb.debian.org/debian}

# package, version, .dsc, its SHA-256
libs="zlib 1:1.2.13.dfsg-1 zlib_1.2.13.dfsg-1.dsc 3fa1e6b2fc525062aa88207dda52fed8e045373c809d362fe8a2bfbf7cf515a8
lzo2 2.10-2 lzo2_2.10-2.dsc 65a35d9d2511a88f30d4b10313f807c184d1906062e2421833797dafc2682166
lz4 1.9.4-1 lz4_1.9.4-1.dsc e16302bca544d08d106efc216541f4a0403c8f8a5fad5eaac7588223a55af263"
xzsrc="busybox 1:1.35.0-4+deb12u1 busybox_1.35.0-4+deb12u1.dsc 9c01fe128b0eeded371c70e37d474fdb5055f71b5d0a778db44c6b0c62d3a7fa
lzma 9.22-2.2 lzma_9.22-2.2.dsc e06740c7ab44e646b547cb79c825ebb63e04311b8579189f9848e0c04c619d5b"

if [ "${1:-}" = --src ]; then
	mode=src out=$2 pkgs=$xzsrc
else
	mode=lib out=$1 arch=$2 cc=$3 ar=$4 pkgs=$libs
	cflags=${5:--Os}
	case $arch in
	x86_64|i386|arm|arm64|ppc64le) ;;
	*) echo "codecs: unknown ARCH $arch" >&2; exit 1 ;;
	esac
fi

mkdir -p "$src" "$out"
src=$(cd "$src" && pwd) out=$(cd "$out" && pwd)
# the compiler's own arguments that name files (a cross build's -specs FILE),
# made absolute: configure and the compilations run elsewhere
abs=
for w in ${cc:-}; do
	case $w in /*) ;; *) [ -e "$w" ] && w=$(pwd)/$w ;; esac
	abs="$abs $w"
done
cc=${abs# }
exec 9>"$out/.lock"
flock 9
# another make got here first (make -j2 static static-full share OUT)
[ -f "$out/.done" ] && [ "$out/.done" -nt "$0" ] && exit 0

fetch() { # the .dsc files missing from the cache, with their tarballs
	need=
	echo "$pkgs" | while read -r p v dsc sum; do
		[ -f "$src/$dsc" ] && echo "$sum  $src/$dsc" | sha256sum -c --status || echo "$p=$v"
	done >"$out/.need"
	need=$(tr '\n' ' ' <"$out/.need")
	[ -n "$need" ] || return 0
	echo "codecs: fetching the source packages ($need) into $src"
	t=$(mktemp -d)
	mkdir -p "$t/lists/partial" "$t/cache/archives/partial"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm main" >"$t/sources.list"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm-updates main" >>"$t/sources.list"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror%/debian}/debian-security bookworm-security main" >>"$t/sources.list"
	o="-o Dir::Etc::SourceList=$t/sources.list -o Dir::Etc::SourceParts=- -o Dir::State::Lists=$t/lists
	   -o Dir::Cache=$t/cache -o APT::Sandbox::User=root -q"
	ok=1
	# shellcheck disable=SC2086
	apt-get $o update >"$t/log" 2>&1 &&
		(cd "$src" && apt-get $o source --download-only $need >>"$t/log" 2>&1) || ok=0
	[ $ok = 1 ] || { cat "$t/log" >&2; rm -rf "$t"; echo "codecs: cannot fetch the sources; build with STATIC_CODECS=debian (Debian's archives, larger) or fill $src" >&2; exit 1; }
	rm -rf "$t"
	echo "$pkgs" | while read -r p v dsc sum; do
		echo "$sum  $src/$dsc" | sha256sum -c --status ||
			{ echo "codecs: $src/$dsc is not the pinned one (sha256 $sum)" >&2; exit 1; }
	done
}
fetch

b=$out/build
rm -rf "$b" && mkdir -p "$b"
echo "$pkgs" | while read -r p v dsc sum; do
	(cd "$b" && dpkg-source -q -x "$src/$dsc" "$p" >/dev/null 2>"$b/$p.log") ||
		{ cat "$b/$p.log" >&2; exit 1; }
done

if [ $mode = src ]; then
	x=$b/busybox/archival/libarchive/unxz
	for f in xz.h xz_config.h xz_private.h xz_stream.h xz_lzma2.h xz_dec_stream.c \
		xz_dec_lzma2.c xz_dec_bcj.c; do
		cp "$x/$f" "$out/$f"
	done
	for f in LzmaDec.c LzmaDec.h Types.h; do
		cp "$b/lzma/C/$f" "$out/$f"
	done
	rm -rf "$b"
	touch "$out/.done"
	exit 0
fi

# no unwind tables, each function and datum in its own section for --gc-sections
cf="$cflags -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables -w"

# zlib: inflate only; the CRC-32 tables computed at the first use (DYNAMIC_CRC_TABLE:
# 9 KB less .rodata, the same code afterwards)
mkdir -p "$b/z"
for f in inflate inffast inftrees crc32 adler32 zutil; do
	# shellcheck disable=SC2086
	$cc $cf -DDYNAMIC_CRC_TABLE -c "$b/zlib/$f.c" -o "$b/z/$f.o"
done
rm -f "$out/libz.a" && $ar rcs "$out/libz.a" "$b"/z/*.o

# liblzo2: LZO1X's safe decompressor and the checksums lzop's format uses
mkdir -p "$b/lzo"
for f in lzo1x_d2 lzo_crc lzo_init lzo_util; do
	# shellcheck disable=SC2086
	$cc $cf -I"$b/lzo2/include" -c "$b/lzo2/src/$f.c" -o "$b/lzo/$f.o"
done
rm -f "$out/liblzo2.a" && $ar rcs "$out/liblzo2.a" "$b"/lzo/*.o

# liblz4: the block decoder (the kernel's legacy frames) and the frame decoder;
# lz4hc.o only resolves lz4frame.o's references to compressors, whose sections
# --gc-sections then drops with the rest of the encoders
mkdir -p "$b/lz4"
for f in lz4 lz4frame lz4hc xxhash; do
	# shellcheck disable=SC2086
	$cc $cf -c "$b/lz4/lib/$f.c" -o "$b/lz4/$f.o"
done
rm -f "$out/liblz4.a" && $ar rcs "$out/liblz4.a" "$b"/lz4/*.o

rm -rf "$b"
touch "$out/.done"
echo "codecs ($arch): $(cd "$out" && for l in libz.a liblzo2.a liblz4.a; do printf '%s %s  ' $l "$(stat -c %s $l)"; done)"
