#!/usr/bin/env bash
# read-once.sh KX KERNEL INITRD: checks that kx's loader reads each payload
# byte once and hashes it once, on the host, with `kx --dry-run -c` (the same
# planning code as `kx -l -c` up to the kexec_load call; no kexec is made):
#   strace: each file is opened once and mapped once, never read() or pread()
#   gdb:    kx_xxh64 runs once per segment, over exactly the bytes supplied
#           (a bzImage kx unpacks at load: its kernel's segments are the
#           unpacked PT_LOADs, which --dry-run --json lists)
# KX must have symbols (build/kx, not the stripped kx-static). Prints one
# verdict line per check ("read-once: ok ..." / "read-once: FAIL ...") and
# exits 1 if any check failed, 0 if all passed (77 if strace or gdb is missing).
set -eu
kx=$1 kernel=$2 initrd=$3
if ! command -v strace >/dev/null || ! command -v gdb >/dev/null; then
	echo "read-once: skipped (needs strace and gdb)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
strace -f -e trace=openat,read,pread64,readv,preadv,mmap,close -o "$tmp/st" \
	"$kx" --dry-run -c "$kernel" --initrd="$initrd" --append=x >/dev/null 2>&1 ||
	{ echo "read-once: FAIL kx --dry-run -c failed"; exit 1; }
for f in "$kernel" "$initrd"; do
	size=$(stat -c %s "$f")
	opens=$(grep -cF "openat(AT_FDCWD, \"$f\"" "$tmp/st" || true)
	fd=$(grep -F "openat(AT_FDCWD, \"$f\"" "$tmp/st" | head -n1 | sed 's/.*= //')
	maps=$(grep -cE "mmap\(NULL, $size, PROT_READ, MAP_PRIVATE, $fd, 0\)" "$tmp/st" || true)
	# reads on that fd between its open and its close
	reads=$(awk -v fd="$fd" -v f="$f" '
		index($0, "openat(AT_FDCWD, \"" f "\"") { on = 1; next }
		on && $0 ~ ("close\\(" fd "\\)") { on = 0 }
		on && $0 ~ ("(read|pread64|readv|preadv)\\(" fd ",") { n++ }
		END { print n + 0 }' "$tmp/st")
	if [ "$opens" = 1 ] && [ "$maps" = 1 ] && [ "$reads" = 0 ]; then
		echo "read-once: ok $(basename "$f"): opened once, mapped once ($size bytes), no read()"
	else
		echo "read-once: FAIL $(basename "$f"): opened $opens times, mapped $maps times, $reads read() calls"
		fail=1
	fi
done
cat >"$tmp/gdb" <<'EOG'
set pagination off
break kx_xxh64
commands
silent
printf "xxh64 %lu\n", $rsi
continue
end
run
quit
EOG
gdb -q -batch -x "$tmp/gdb" --args "$kx" --dry-run -c "$kernel" --initrd="$initrd" --append=x \
	2>/dev/null | grep '^xxh64 ' >"$tmp/h" || true
ksize=$(stat -c %s "$kernel") isize=$(stat -c %s "$initrd")
calls=$(wc -l <"$tmp/h")
total=$(awk '{ s += $2 } END { print s + 0 }' "$tmp/h")
big=$(awk '$2 > 65536 { n++ } END { print n + 0 }' "$tmp/h")
# the kernel segment is the file less its real-mode setup sectors; unpacked
# at load, the segments the plan lists
"$kx" --dry-run -c --json "$kernel" --initrd="$initrd" --append=x >"$tmp/j" 2>/dev/null || true
useg=$(python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
ks = [s["bufsz"] for s in p["segments"] if s["purpose"] == "kernel"]
print("%d %d" % (len(ks), sum(ks)) if p.get("unpack", {}).get("done") else "")' "$tmp/j" 2>/dev/null || true)
if [ -n "$useg" ]; then
	nk=${useg% *} kbytes=${useg#* }
	big=$((big - nk + 1))
	ksize=$kbytes
fi
if [ "$big" = 2 ] && grep -qx "xxh64 $isize" "$tmp/h" && [ "$total" -le $((ksize + isize + 65536)) ]; then
	echo "read-once: ok hashed once: $calls kx_xxh64 calls over $total bytes (kernel + initrd = $((ksize + isize)) bytes${useg:+, the kernel unpacked at load: $nk segments}; the rest is boot parameters)"
else
	echo "read-once: FAIL hashing: $calls kx_xxh64 calls over $total bytes; sizes: $(tr '\n' ' ' <"$tmp/h")"
	fail=1
fi
exit "$fail"
