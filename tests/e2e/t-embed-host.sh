#!/usr/bin/env bash
# t-embed-host.sh - on the host, without root: examples/embed/kxboot (built by
# `make embed` against the staged, installed libkx, run with LD_LIBRARY_PATH)
# describes a real Debian kernel + an initrd and prints the plan. kxboot runs
# WITHOUT --load or --exec here (and as nobody when we are root): it makes no
# kexec system call. The real load + exec is t-embed.sh, in QEMU.
set -eu
. "$(dirname "$0")/lib.sh"

e2e_init
kxboot=${KX_KXBOOT:-$E2E_ROOT/build/examples/kxboot}
stage=${KX_EMBED_STAGE:-$E2E_ROOT/build/stage}
[ -x "$kxboot" ] || e2e_skip "no $kxboot (make embed)"
[ -d "$stage/usr/lib" ] || e2e_skip "no staged libkx in $stage (make embed)"
build_initrd_b "$E2E_WORK/initrd.gz" 1
extra=$E2E_WORK/extra.img
head -c 5000 /dev/urandom >"$extra"
cp "$E2E_VMLINUZ" "$E2E_WORK/vmlinuz"
chmod 755 "$E2E_WORK" && chmod 644 "$E2E_WORK/vmlinuz" "$E2E_WORK/initrd.gz" "$extra"

run=(env LD_LIBRARY_PATH="$stage/usr/lib")
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	run=(setpriv --reuid=65534 --regid=65534 --clear-groups "${run[@]}")
fi

# the dynamic binary really takes libkx from the stage
e2e_check "kxboot links the staged libkx.so.1: $(LD_LIBRARY_PATH=$stage/usr/lib ldd "$kxboot" | grep libkx || echo none)" \
	bash -c "LD_LIBRARY_PATH='$stage/usr/lib' ldd '$kxboot' | grep -q '$stage/usr/lib/libkx.so.1'"

out=$E2E_WORK/out err=$E2E_WORK/err rc=0
"${run[@]}" "$kxboot" "$E2E_WORK/vmlinuz" "$E2E_WORK/initrd.gz" "$extra" \
	-- console=ttyS0 kxtest.embed=host quiet >"$out" 2>"$err" || rc=$?
sed 's/^/    kxboot: /' "$out" "$err" >&2
e2e_check "kxboot (no --load) exits 0, got $rc: $(cat "$err")" [ "$rc" = 0 ]
e2e_check "the description names the type bzImage" grep -qiE '^ +type +bzImage' "$out"
e2e_check "it says whether kexec_file_load can take it" grep -qE '^ +kexec_file_load +(can|cannot)' "$out"
e2e_check "it says how much memory the kernel needs" grep -qE '^ +memory needed +[1-9][0-9]* bytes' "$out"
for seg in kernel initrd boot-params purgatory; do
	e2e_check "the plan lists the $seg segment" grep -qE "^ +$seg +0x[0-9a-f]+" "$out"
done
e2e_check "the plan's kernel segment comes from the file" grep -qF "$E2E_WORK/vmlinuz" "$out"
for rd in "$E2E_WORK/initrd.gz" "$extra"; do
	e2e_check "the plan has an initrd segment from $rd" grep -qE "^ +initrd +0x[0-9a-f]+ .* $rd\$" "$out"
done
# the kernel unpacked at load: its four PT_LOADs (Debian's 6.1 vmlinux), two
# initrds, the boot parameters, the purgatory
e2e_check "kxboot counts the 8 segments from kx_load_info" grep -qE '^plan: 8 segments, [1-9][0-9]* bytes' "$out"
e2e_check "the plan shows the command line" grep -qF "command line: console=ttyS0 kxtest.embed=host quiet" "$out"
e2e_check "the plan does not claim a load" bash -c "! grep -q 'kxboot: loaded' '$out'"

# a missing file: kx's own sentence, exit 1
rc=0
"${run[@]}" "$kxboot" "$E2E_WORK/no-such-vmlinuz" >"$out" 2>"$err" || rc=$?
e2e_check "a missing kernel exits 1, got $rc" [ "$rc" = 1 ]
e2e_check "a missing kernel gets kx's sentence; got: $(cat "$err")" \
	grep -qF "kxboot: cannot open the kernel '$E2E_WORK/no-such-vmlinuz': no such file. Check the path." "$err"
# a missing initrd names the initrd
rc=0
"${run[@]}" "$kxboot" "$E2E_WORK/vmlinuz" "$E2E_WORK/no-such-initrd" >"$out" 2>"$err" || rc=$?
e2e_check "a missing initrd exits 1 with a sentence naming it; got rc=$rc: $(cat "$err")" \
	bash -c "[ $rc = 1 ] && grep -qF \"'$E2E_WORK/no-such-initrd'\" '$err'"
e2e_finish
