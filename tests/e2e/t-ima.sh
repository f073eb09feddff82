#!/usr/bin/env bash
# t-ima.sh - auto mode under IMA rules on the kexec kernel (issue 14: the TPM
# log must see the kernel, so auto takes kexec_file_load, where IMA sees it).
# One QEMU run, two kernels:
#   kernel A loads a custom IMA policy (a rule measuring KEXEC_KERNEL_CHECK;
#     Debian's kernel has no CONFIG_IMA_READ_POLICY, so kx cannot read it
#     back): auto chooses kexec_file_load and says why (--dry-run, --check),
#     the load goes through kexec_file_load, and IMA's measurement list gains
#     an entry for the kernel; then kx -e -> kernel B, booted with
#     ima_policy=secure_boot (a built-in policy appraising the kexec kernel)
#   kernel B: auto chooses kexec_file_load because of ima_policy= (--dry-run),
#     the load is refused by IMA's appraisal (the image carries no IMA
#     signature) with the cause named, and nothing is loaded.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
nonce=$(e2e_nonce)
log=$E2E_WORK/console.log
S='/sys/kernel/security/ima'

# kernel B's scenario (a hop initrd: it runs kx, it does not kexec)
mkdir -p "$E2E_WORK/hop/b"
cp "$E2E_VMLINUZ_B" "$E2E_WORK/hop/b/vmlinuz"
cat >"$E2E_WORK/b.sh" <<B_SCENARIO
. /t.sh
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
expect -o "kxtest.nonce=$nonce" -n "B: booted by A with the nonce" -- cat /proc/cmdline
expect -o "ima_policy=secure_boot" -n "B: booted with the built-in appraisal policy" -- cat /proc/cmdline
L="/b/vmlinuz --append=quiet"
expect -r 0 -o "syscall: kexec_file_load (auto: an IMA rule measures or appraises the kexec kernel (ima_policy= on the command line): IMA sees the file through kexec_file_load only)" \\
	-n "B: auto takes kexec_file_load for ima_policy=" -- kx --dry-run \$L
expect -r 1 -o "kx: /b/vmlinuz was refused while the kernel read it (permission denied): a security module denied it. With IMA appraising the kexec kernel (ima_policy=secure_boot" -n "B: IMA's appraisal refuses the unsigned kernel, the cause named" -- kx -l \$L
expect -r 1 -n "B: nothing was loaded" -- grep -qx 1 /sys/kernel/kexec_loaded
kxt_summary
B_SCENARIO
build_initrd_hop "$E2E_WORK/initrd-b.gz" "$E2E_WORK/b.sh" "$E2E_WORK/hop"

cat >"$E2E_WORK/scenario.sh" <<A_SCENARIO
. /t.sh
mount -t securityfs securityfs /sys/kernel/security
expect -r 0 -o "syscall: kexec_load (auto:" -n "A: no kexec rule yet: auto takes kexec_load" -- kx --dry-run /b/vmlinuz
echo "measure func=KEXEC_KERNEL_CHECK" >$S/policy || kxt_fail "A: load the IMA policy" "rc=\$?"
expect -r 0 -o "syscall: kexec_file_load (auto: IMA's policy is unknown (a custom policy was loaded and cannot be read): kexec_file_load, the safe side; kexec_load if the kernel cannot take the image)" \\
	-n "A: a custom IMA policy: auto takes kexec_file_load" -- kx --dry-run /b/vmlinuz
expect -r 0 -o "a custom policy was loaded and cannot be read" -n "A: --check says why" -- kx --check
before=\$(grep -c . $S/ascii_runtime_measurements)
expect -r 0 -o "loaded with kexec_file_load" -n "A: auto loads through kexec_file_load" -- \\
	kx -d -l /b/vmlinuz --initrd=/b/initrd.gz --append="$E2E_KARGS kxtest.nonce=$nonce ima_policy=secure_boot"
after=\$(grep -c . $S/ascii_runtime_measurements)
expect -o "vmlinuz" -n "A: IMA measured the kernel" -- tail -n \$((after - before)) $S/ascii_runtime_measurements
kxt_summary
kx -e
kxt_fail "A: kx -e" "returned rc=\$?"
A_SCENARIO
# kernel A's initrd: kx, kernel B and B's hop initrd
build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
E2E_TIMEOUT=$((E2E_TIMEOUT * 2))
run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" ""
assert_qemu_rc 0
assert_no_kxt_fail "$log"
e2e_check "kernels A and B each passed their five checks" \
	[ "$(grep -c "KXT-SUMMARY pass=5 fail=0" "$log")" = 2 ]
e2e_finish
