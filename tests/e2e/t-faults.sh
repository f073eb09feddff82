#!/usr/bin/env bash
# t-faults.sh - fault injection (KX_FAULT, libkx/sys.c) inside kernel A: every
# class of failure from the system gives its message and exit status 1, none
# leaves a partial load, and none unloads the kernel loaded before: after
# all of them, kx -e still boots that kernel (B, with its nonce).
set -eu
. "$(dirname "$0")/lib.sh"

e2e_init
log=$E2E_WORK/console.log
nonce=$(e2e_nonce)
build_initrd_b "$E2E_WORK/initrd-b.gz" 1

cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
L="/b/vmlinuz --initrd=/b/initrd.gz --append=quiet"
f() { # NAME RC EXPECTED-OUTPUT FAULT KX-ARGS...
	n=\$1 rc=\$2 out=\$3 fault=\$4
	shift 4
	expect -r "\$rc" -o "\$out" -n "fault \$n" -- env KX_FAULT="\$fault" kx "\$@"
}
expect_rc 0 -n "load kernel B" -- kx -l /b/vmlinuz --initrd=/b/initrd.gz --append="$E2E_KARGS kxtest.nonce=$nonce"
f "kexec_load EBUSY"   1 "another kexec load or exec is in progress; try again." kexec_load:EBUSY -c -l \$L
f "kexec_load ENOMEM"  1 "the kernel ran out of memory staging the segments" kexec_load:ENOMEM -c -l \$L
f "kexec_load EINVAL"  1 "the kernel rejected the segment plan (Invalid argument); nothing was loaded." kexec_load:EINVAL -c -l \$L
f "kexec_load EINTR"   1 "failed: Interrupted system call" kexec_load:EINTR -c -l \$L
f "kexec_load EPERM"   1 "permission denied by the kernel" kexec_load:EPERM -c -l \$L
f "kexec_load ENOSYS"  1 "this kernel has no kexec support" kexec_load:ENOSYS -c -l \$L
f "kexec_load EPERM, file EKEYREJECTED" 1 "/b/vmlinuz was refused: its signature does not verify" kexec_load:EPERM,kexec_file_load:EKEYREJECTED -l \$L
f "kexec_load EPERM, file ENOEXEC" 1 "kx: loading the kernel: permission denied by the kernel" kexec_load:EPERM,kexec_file_load:ENOEXEC -l \$L
f "file ENOKEY"        1 "signed with a key the running kernel does not know" kexec_file_load:ENOKEY -s -l \$L
f "file ENODATA"       1 "it carries no signature and this kernel requires one" kexec_file_load:ENODATA -s -l \$L
f "file EBADMSG"       1 "its signature is malformed" kexec_file_load:EBADMSG -s -l \$L
f "file ETXTBSY"       1 "is open for writing by another program" kexec_file_load:ETXTBSY -s -l \$L
f "file ENOEXEC -s"    1 "the kernel cannot parse /b/vmlinuz with kexec_file_load" kexec_file_load:ENOEXEC -s -l \$L
# without the kernel's config, IMA's policy is unknown: auto takes
# kexec_file_load first and may fall back to kexec_load
mv /boot /boot.away
f "file ENOEXEC, kexec_load EBUSY" 1 "kexec_file_load could not take it, so kx tried kexec_load" kexec_file_load:ENOEXEC,kexec_load:EBUSY -l \$L
f "map ENOMEM"         1 "cannot read the kernel '/b/vmlinuz': " map:ENOMEM -l \$L
f "map EACCES"         1 "permission denied. Run as root" map:EACCES -l \$L
f "memfd ENOMEM"       1 "cannot read the initrd '/b/initrd.gz'" memfd:ENOMEM -s -l /b/vmlinuz --initrd=/b/initrd.gz --initrd=/b/initrd.gz
f "open EACCES"        1 "permission denied" open:EACCES -s -l \$L
f "read EIO (memmap)"  1 "cannot read the memory map" read:EIO -c -l \$L
f "file shrinks"       1 "a file shrank while it was being read; nothing was loaded." sigbus -l \$L
f "reboot EINVAL"      1 "booting the loaded kernel: the kernel says no kernel is loaded" reboot:EINVAL -e
f "reboot EPERM"       1 "booting the loaded kernel: permission denied by the kernel" reboot:EPERM -e
f "exec, kexec_loaded unreadable" 1 "cannot tell: /sys/kernel/kexec_loaded is missing" read:ENOENT -e
f "unload EBUSY"       1 "unloading: another kexec load or exec is in progress" kexec_load:EBUSY,kexec_file_load:EBUSY -u
expect -r 0 -n "fallback: ENOEXEC from kexec_file_load, then kexec_load works" -o "loaded with kexec_load" -- env KX_FAULT=kexec_file_load:ENOEXEC kx -d -l /b/vmlinuz --initrd=/b/initrd.gz --append="$E2E_KARGS kxtest.nonce=$nonce"
mv /boot.away /boot
expect -r 0 -n "fallback: EPERM from kexec_load, then kexec_file_load works" -o "loaded with kexec_file_load" -- env KX_FAULT=kexec_load:EPERM kx -d -l /b/vmlinuz --initrd=/b/initrd.gz --append="$E2E_KARGS kxtest.nonce=$nonce"
expect -r 1 -n "still loaded after every fault (-l -S)" -- kx -l -S
kxt_summary
kx -e
kxt_fail "kx -e" "returned rc=\$?"
EOF

build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" ""
assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-SUMMARY pass=28 fail=0"
assert_log_line "$log" "KXB-CMDLINE:" "kxtest.nonce=$nonce" "the kernel loaded before the faults should boot"
assert_log_has "$log" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256"
e2e_finish
