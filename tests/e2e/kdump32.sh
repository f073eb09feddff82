# shellcheck shell=bash
# kdump32.sh - sourced by arm/t-kdump.sh and i386/t-kdump.sh (after their
# lib.sh): the crash kernel's initrd for a 32-bit guest.
#
# build_initrd_crash32 OUT MDF MULTIARCH LDSO: busybox + guest/init-crash32
# as /init, and Debian's makedumpfile unpacked under MDF (the arch's
# fetch.sh makedumpfile) with the libraries its ELF headers name (readelf
# -d, recursively) from MDF/{,usr/}lib/MULTIARCH, and its dynamic loader
# LDSO (e.g. ld-linux-armhf.so.3) linked from /lib.
build_initrd_crash32() {
	local out=$1 mdf=$2 ma=$3 ldso=$4 stage lib f d queue=(usr/bin/makedumpfile)
	local -A seen=()
	[ -x "$mdf/usr/bin/makedumpfile" ] || e2e_die "no makedumpfile under $mdf"
	stage=$(mktemp -d "$E2E_WORK/stage-c.XXXXXX")
	_e2e_stage_base "$stage"
	cp "$(dirname "${BASH_SOURCE[0]}")/guest/init-crash32" "$stage/init"
	chmod 755 "$stage/init"
	mkdir -p "$stage/lib/$ma"
	cp "$mdf/usr/bin/makedumpfile" "$stage/usr/bin/"
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		for lib in $(readelf -d "$mdf/$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[ -z "${seen[$lib]:-}" ] || continue
			seen[$lib]=1
			for d in lib/$ma usr/lib/$ma; do
				if [ -e "$mdf/$d/$lib" ]; then
					cp -L "$mdf/$d/$lib" "$stage/lib/$ma/"
					queue+=("$d/$lib")
					break
				fi
			done
			[ -e "$stage/lib/$ma/$lib" ] || e2e_die "makedumpfile needs $lib, not in $mdf"
		done
	done
	[ -e "$stage/lib/$ma/$ldso" ] || cp -L "$mdf/lib/$ma/$ldso" "$stage/lib/$ma/" ||
		e2e_die "no $ldso in $mdf"
	ln -s "$ma/$ldso" "$stage/lib/$ldso"
	make_initramfs "$stage" "$out"
	rm -rf "$stage"
	e2e_log "crash initrd: $out ($(du -k "$out" | cut -f1) KiB, with makedumpfile)"
}
