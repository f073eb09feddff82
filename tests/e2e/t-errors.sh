#!/usr/bin/env bash
# t-errors.sh - bad input inside kernel A: each failure gets its exact
# one-sentence message and exit status, and a failed load never unloads the
# kernel loaded before it. Auto mode's choice of syscall (kexec_load here;
# kexec_file_load without the kernel's config, which leaves IMA's policy
# unknown, with CONFIG_KEXEC_SIG_FORCE in the config, with kho=on or
# ima_policy=secure_boot on the command line kx reads, and with
# kernel.kexec_load_disabled=1). At the end the kernel loaded first must
# still boot.
set -eu
. "$(dirname "$0")/lib.sh"

e2e_init
log=$E2E_WORK/console.log
nonce=$(e2e_nonce)
build_initrd_b "$E2E_WORK/initrd-b.gz" 1

cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
long=\$(printf "%2048s" "" | tr " " x)
mkdir -p /etc
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' > /etc/passwd
echo 'nogroup:x:65534:' > /etc/group
expect -r 2 -o "usage: kx -l KERNEL" -n "bare kx: usage" -- kx
expect -r 2 -o "unknown option '--bogus'" -n "unknown option" -- kx --bogus
expect -r 1 -o "kx: no kernel is loaded, so there is nothing to boot; load one first with kx -l KERNEL." \\
	-n "kx -e with nothing loaded" -- kx -e
expect -r 1 -o "kx: cannot open the kernel '/nope': no such file. Check the path." \\
	-n "missing kernel" -- kx -l /nope
expect -r 1 -o "kx: cannot open the initrd '/missing.img': no such file. Check the path." \\
	-n "missing initrd" -- kx -l /b/vmlinuz --initrd=/missing.img
expect -r 1 -o "kx: /bin/busybox is not a kernel image kx recognises" \\
	-n "not a kernel" -- kx -l /bin/busybox
head -c 600 /b/vmlinuz > /tmp/trunc
expect -r 1 -o "kx: /tmp/trunc is truncated: its bzImage header needs 612 bytes but only 600 are there." \\
	-n "truncated kernel" -- kx -l /tmp/trunc -t bzimage
expect -r 2 -o "kx: /b/vmlinuz is a bzimage image, not elf; drop -t or name its type." \\
	-n "wrong -t" -- kx -l -t elf /b/vmlinuz
expect -r 2 -o "kx: --entry does not apply to a bzimage image (its boot protocol fixes the entry point); drop it." \\
	-n "--entry for a bzImage" -- kx -l /b/vmlinuz --entry=0x1000000
expect -r 2 -o "kx: --dtb does not apply to a bzimage image (kx passes no device tree to it); drop it." \\
	-n "--dtb on x86" -- kx -l /b/vmlinuz --dtb=/b/vmlinuz
expect -r 1 -o "kx: the command line is 2048 bytes but this kernel accepts at most 2047; shorten --append/--command-line." \\
	-n "command line too long" -- kx -l /b/vmlinuz --append="\$long"
expect -r 0 -n "command line of exactly 2047 bytes" -- kx --dry-run /b/vmlinuz --append="\${long%x}"
head -c \$((40 << 20)) /dev/zero > /tmp/big.img
expect -r 1 -o "kx: the initrd (40.0 MiB) fits nowhere in free RAM below 0x5000000; use a smaller file or check --mem-min/--mem-max." \\
	-n "initrd that fits nowhere" -- kx -c -l /b/vmlinuz --initrd=/tmp/big.img --mem-max=0x5000000
rm -f /tmp/big.img
expect -r 1 -o "kx: loading the kernel: permission denied; kexec needs root (CAP_SYS_BOOT). Run it as root (sudo)." \\
	-n "not root" -- su -s /bin/sh nobody -c "kx -l /b/vmlinuz"
expect -r 1 -o "kx: unloading: permission denied; kexec needs root" \\
	-n "unload not root" -- su -s /bin/sh nobody -c "kx -u"

expect -r 0 -n "load kernel B" -- kx -l /b/vmlinuz --initrd=/b/initrd.gz --append="$E2E_KARGS kxtest.nonce=$nonce"
expect -r 1 -n "failed load (missing initrd)" -- kx -l /b/vmlinuz --initrd=/missing.img
expect -r 1 -n "failed load (command line)" -- kx -l /b/vmlinuz --append="\$long"
expect -r 1 -o "permission denied" -n "failed load (not root)" -- su -s /bin/sh nobody -c "kx -l /b/vmlinuz"
expect -r 1 -n "still loaded after failed loads (-l -S: the kernel -e boots)" -- kx -l -S
# auto mode's choice (docs/syscalls.md): here nothing asks for kexec_file_load
expect -r 0 -o "syscall: kexec_load (auto: kx's own plan and purgatory, the faster path" \
	-n "auto: kexec_load" -- kx --dry-run /b/vmlinuz
expect -r 0 -o "auto mode (bzImage)      kexec_load (kx's own plan and purgatory" -n "--check: auto's choice" -- kx --check
expect -r 0 -o "kernel config            /boot/config-" -n "--check: the config read" -- kx --check
expect -r 0 -o "IMA kexec rule           no  (no custom policy loaded, none built in or named on the command line)" \
	-n "--check: no IMA kexec rule (inferred)" -- kx --check
expect -r 0 -o '"auto_syscall":"kexec_load"' -n "--check --json: auto_syscall" -- kx --check --json
mv /boot /boot.away
expect -r 0 -o "syscall: kexec_file_load (auto: IMA's policy is unknown (ima/policy cannot be read)" \
	-n "no kernel config: IMA unknown, the file path" -- kx --dry-run /b/vmlinuz
mv /boot.away /boot
# the other facts, each alone: a config that forces kexec signatures, and
# command lines that enable KHO or name a built-in IMA policy with a kexec
# rule (bound over /proc/cmdline, where kx reads them)
cfg=\$(ls /boot/config-*)
cp "\$cfg" /tmp/config.orig
sed -i 's/^# CONFIG_KEXEC_SIG_FORCE is not set/CONFIG_KEXEC_SIG_FORCE=y/' "\$cfg"
expect -r 0 -o "syscall: kexec_file_load (auto: the kernel enforces kexec signatures (CONFIG_KEXEC_SIG_FORCE)" \
	-n "CONFIG_KEXEC_SIG_FORCE: auto takes kexec_file_load" -- kx --dry-run /b/vmlinuz
cp /tmp/config.orig "\$cfg"
orig=\$(cat /proc/cmdline)
with_cmdline() { # WORDS: /proc/cmdline reads as kernel A's plus WORDS
	umount /proc/cmdline 2>/dev/null
	echo "\$orig \$1" > /tmp/cmdline
	mount --bind /tmp/cmdline /proc/cmdline
}
with_cmdline "kho=on"
expect -r 0 -o "syscall: kexec_file_load (auto: Kexec HandOver is enabled: it works through kexec_file_load only)" \
	-n "kho=on: auto takes kexec_file_load" -- kx --dry-run /b/vmlinuz
with_cmdline "ima_policy=tcb|secure_boot"
expect -r 0 -o "syscall: kexec_file_load (auto: an IMA rule measures or appraises the kexec kernel (ima_policy= on the command line)" \
	-n "ima_policy=secure_boot: auto takes kexec_file_load" -- kx --dry-run /b/vmlinuz
with_cmdline "ima_policy=tcb"
expect -r 0 -o "syscall: kexec_load (auto: kx's own plan and purgatory" \
	-n "ima_policy=tcb (no kexec rule): auto keeps kexec_load" -- kx --dry-run /b/vmlinuz
umount /proc/cmdline
expect -r 0 -o "syscall: kexec_load (auto: kx's own plan and purgatory" \
	-n "all restored: kexec_load again" -- kx --dry-run /b/vmlinuz
echo 1 > /proc/sys/kernel/kexec_load_disabled
expect -r 0 -o "syscall: kexec_file_load (auto: kernel.kexec_load_disabled=1: kexec_load is refused)" \
	-n "kexec_load_disabled: auto takes kexec_file_load" -- kx --dry-run /b/vmlinuz
expect -r 1 -o "kx: loading the kernel: refused because kexec is disabled (kernel.kexec_load_disabled=1); it stays off until reboot." \
	-n "kexec_load_disabled: the load refused, explained" -- kx -l /b/vmlinuz
expect -r 1 -n "kexec_load_disabled: B still loaded" -- kx -l -S
kxt_summary
kx -e
kxt_fail "kx -e" "returned rc=\$? instead of booting kernel B"
EOF

build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" ""

assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-SUMMARY pass=34 fail=0"
assert_log_line "$log" "KXB-CMDLINE:" "kxtest.nonce=$nonce" \
	"the kernel loaded before the failed loads should still boot"
assert_log_has "$log" "KXB-DONE"
e2e_finish
