#!/usr/bin/env bash
# t-lockdown.sh - kernel A booted with lockdown=integrity: kexec_load is
# refused and kx says why; kexec_file_load of an image the kernel does not
# trust is refused with the signature explained (Debian's signing key is
# trusted only through UEFI's db, absent here); auto mode does not fall back
# on a policy refusal; auto mode chooses kexec_file_load because of the
# lockdown (--dry-run, --check); --check reports it; -u still works. Then
# kernel.kexec_load_disabled=1 gets its own message.
set -eu
. "$(dirname "$0")/lib.sh"

e2e_init
log=$E2E_WORK/console.log
build_initrd_b "$E2E_WORK/initrd-b.gz" 1

cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
L="/b/vmlinuz --initrd=/b/initrd.gz --append=quiet"
# B7: an initramfs without securityfs mounted: kx still finds the lockdown
expect -r 1 -o "kx: loading the kernel: refused because the kernel is locked down (integrity)" \\
	-n "lockdown, securityfs not mounted: kexec_load refused, the cause named" -- kx -c -l \$L
expect -r 0 -o "lockdown                 integrity" -n "lockdown, securityfs not mounted: --check" -- kx --check
expect -r 0 -o "syscall: kexec_file_load (auto: the kernel is locked down (integrity): kexec_load is refused)" \
	-n "lockdown, securityfs not mounted: auto takes kexec_file_load" -- kx --dry-run \$L
expect -r 1 -n "securityfs still not mounted afterwards" -- grep -q securityfs /proc/mounts
mount -t securityfs securityfs /sys/kernel/security
expect -o "[integrity]" -n "kernel A is locked down" -- cat /sys/kernel/security/lockdown
expect -r 1 -o "kx: loading the kernel: refused because the kernel is locked down (integrity); only signed kernels can be loaded, with kexec_file_load (kx -s)." \\
	-n "lockdown: kexec_load refused" -- kx -c -l \$L
expect -r 1 -o "kx: /b/vmlinuz was refused: the kernel is locked down (integrity) and does not trust the image's signature; only kernels signed with keys the running kernel trusts" \\
	-n "lockdown: kexec_file_load refuses the untrusted signature" -- kx -s -l \$L
expect -r 1 -o "does not trust the image's signature" -x "trying kexec_load" \\
	-n "lockdown: auto does not fall back on a policy refusal" -- kx -d -l \$L
expect -r 0 -o "lockdown                 integrity  (kexec_load refused; kexec_file_load takes signed kernels only)" \\
	-n "lockdown: --check" -- kx --check
expect -r 0 -o '"lockdown":"integrity"' -n "lockdown: --check --json" -- kx --check --json
expect -r 0 -o "auto mode (bzImage)      kexec_file_load (the kernel is locked down (integrity): kexec_load is refused)" \
	-n "lockdown: --check names auto's choice" -- kx --check
expect -r 0 -o "kx: debug: no kernel is loaded" -n "lockdown: -l -S -d" -- kx -l -S -d
expect -r 0 -n "lockdown: -u works through kexec_file_load" -- kx -u
echo 1 > /proc/sys/kernel/kexec_load_disabled
expect -r 1 -o "kx: loading the kernel: refused because kexec is disabled (kernel.kexec_load_disabled=1); it stays off until reboot." \\
	-n "disabled: kexec_load" -- kx -c -l \$L
expect -r 1 -o "kx: loading the kernel: refused because kexec is disabled (kernel.kexec_load_disabled=1); it stays off until reboot." \\
	-n "disabled: auto" -- kx -l \$L
expect -r 1 -o "kexec_load_disabled      yes  (no kexec until reboot)" -n "disabled: --check" -- kx --check
kxt_summary
EOF

build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "lockdown=integrity"

assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-SUMMARY pass=16 fail=0"
assert_log_lacks "$log" "KXB-" "nothing may boot"
e2e_finish
