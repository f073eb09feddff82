#!/usr/bin/env bash
# t-compat-cli.sh - kx installed as /sbin/kexec behaves as kexec-tools 2.0.32 on
# the command line (docs/compat.md), in one boot of kernel A:
#   - messages and advice use the invoked name ("kexec: ... kexec -l KERNEL");
#   - -S asks about the crash kernel unless -l is given, prints nothing
#     (-d says it), exits 255 when the kernel cannot say;
#   - actions apply left to right, the later one winning: -e -l K only loads,
#     -u -l K unloads (kexec_file_load keeps -u's flag), -c -u -l K unloads and
#     loads, -e -u finds nothing to boot, loader options refused with -e/-S;
#   - no action: load, then exec shutdown -r now (/sbin/shutdown first, then
#     PATH), its exit status is shutdown's; without a shutdown: exit 1;
#   - the command line: the last --append/--command-line counts, verbatim
#     (repeated console= and init's words after -- kept); --reuse-cmdline;
#   - -i does not force kexec_load in auto mode, and is taken with -s;
#   - at the end `kexec -l /nonexistent -f -e` (arpl's -f -e after a -l that
#     -e overrides) boots the kernel loaded before: kernel B must show it.
set -eu
. "$(dirname "$0")/lib.sh"

e2e_init
log=$E2E_WORK/console.log
nonce=$(e2e_nonce)
build_initrd_b "$E2E_WORK/initrd-b.gz" 1
K="/b/vmlinuz --initrd=/b/initrd.gz"

cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
empty() { [ -z "\$KXT_OUT" ] && kxt_pass "\$1: prints nothing" || kxt_fail "\$1: prints nothing" "\$KXT_OUT"; }
loaded() { expect_out "\$1" -n "kexec_loaded=\$1 (\$2)" -- cat /sys/kernel/kexec_loaded; }
mkdir -p /sbin /tmp/fake
ln -s /bin/kx /sbin/kexec
rm -f /sbin/shutdown /bin/shutdown /etc/shutdown /usr/bin/shutdown /usr/sbin/shutdown
export PATH=/sbin:\$PATH

# names
expect -r 1 -o "kexec: no kernel is loaded, so there is nothing to boot; load one first with kexec -l KERNEL." -n "name: -e with nothing loaded" -- kexec -e
expect -r 2 -o "kexec: unknown option '--bogus'; see kexec --help." -n "name: unknown option" -- kexec --bogus
expect -r 2 -o "usage: kexec -l KERNEL" -n "name: usage" -- kexec

# -S
expect -r 0 -n "-S: no crash kernel" -- kexec -S
empty "-S"
expect -r 0 -o "kexec: debug: no crash kernel is loaded" -n "-S -d says it" -- kexec -S -d
expect -r 255 -n "-S: cannot tell" -- env KX_FAULT=read:ENOENT kexec -S
empty "-S (cannot tell)"
expect -r 2 -o "kexec: --initrd is for loading a kernel; it does not go with -e, -u or -S." -n "-S with a loader option" -- kexec -S --initrd=/b/initrd.gz
expect -r 2 -o "kexec: --append is for loading a kernel" -n "-e with a loader option" -- kexec -e --append=x

# actions, left to right
expect_rc 0 -n "-e -l K: only loads" -- kexec -e -l $K --append="$E2E_KARGS"
loaded 1 "-e -l K"
expect -r 1 -n "-S -l: the kernel -e boots" -- kexec -S -l
expect -r 0 -n "-S: still the crash kernel" -- kexec -S
expect -r 2 -o "kexec: --initrd is for loading a kernel" -n "-l K --initrd -u: a loader option without a load (kexec-tools: usage)" -- kexec -l $K -u
expect_rc 0 -n "-l K -u: unloads" -- kexec -l /b/vmlinuz -u
loaded 0 "-l K -u"
expect_rc 0 -n "-l K again" -- kexec -l $K
expect -r 0 -o "the kernel is read but not loaded" -n "-u -l K: unloads (kexec_file_load keeps -u's flag)" -- kexec -d -u -l $K
loaded 0 "-u -l K"
expect -r 1 -o "kexec: cannot open the kernel '/nope'" -n "-u -l /nope: the file is still read" -- kexec -u -l /nope
expect_rc 0 -n "-c -u -l K: unloads, then loads" -- kexec -c -u -l $K
loaded 1 "-c -u -l K"
expect -r 1 -o "kexec: no kernel is loaded, so there is nothing to boot" -n "-e -u: unloads, then finds nothing to boot" -- kexec -e -u
loaded 0 "-e -u"

# no action: load, then shutdown -r now
printf '#!/bin/sh\necho "\$0 \$*" >/tmp/shutdown.argv\nexit 7\n' >/tmp/fake/shutdown
chmod 755 /tmp/fake/shutdown
expect -r 7 -n "no action: load, then exec shutdown (PATH)" -- env PATH=/tmp/fake:\$PATH kexec $K --append="$E2E_KARGS"
expect_out "/tmp/fake/shutdown -r now" -n "shutdown got -r now" -- cat /tmp/shutdown.argv
loaded 1 "no action"
cp /tmp/fake/shutdown /sbin/shutdown
expect -r 7 -n "petitboot's -s without action: /sbin/shutdown first" -- env PATH=/tmp/fake:\$PATH kexec -s --debug $K --append="$E2E_KARGS"
expect_out "/sbin/shutdown -r now" -n "/sbin/shutdown ran" -- cat /tmp/shutdown.argv
rm /sbin/shutdown
expect -r 1 -o "kexec: cannot run shutdown -r now (No such file or directory); the kernel is loaded: boot it with kexec -e." -n "no shutdown anywhere" -- kexec -c -d $K
loaded 1 "no shutdown anywhere"
expect -r 0 -o "dry run: would then run shutdown -r now" -n "--dry-run with no action" -- kexec --dry-run $K

# the command line
expect -o "command line: a -- init  args" -n "last --append counts, verbatim" -- kexec --dry-run -l $K --append=first --command-line=second --append="a -- init  args"
expect -o "command line: console=ttyS0 console=tty0 console=ttyS0" -n "repeated console= kept" -- kexec --dry-run -l $K --append="console=ttyS0 console=tty0 console=ttyS0"
expect -o "command line: \$(sed 's/BOOT_IMAGE=[^ ]* //' /proc/cmdline | tr -s ' ' | sed 's/ \$//') console=ttyS0,115200" -n "--reuse-cmdline then the --append" -- kexec --dry-run -l $K --append=console=ttyS0,115200 --reuse-cmdline

# -i, --mem-max: kexec_load only
expect -o "syscall: kexec_load (auto: kx's own plan and purgatory, the faster path" -n "-i in auto mode: kexec_load as for any load" -- kexec -d -i --mem-max=0x80000000 -l $K --append="$E2E_KARGS"
case \$KXT_OUT in *"loaded with kexec_load"*) kxt_pass "-i: auto uses kexec_load, as kexec-tools' -l" ;; *) kxt_fail "-i: auto uses kexec_load, as kexec-tools' -l" "\$KXT_OUT" ;; esac
expect_rc 0 -n "-s -i: taken" -- kexec -s -i -l $K --append="$E2E_KARGS"

# the kernel B boots: loaded now, then -l of a missing file overridden by -f -e
expect_rc 0 -n "load kernel B" -- kexec -l $K --append="$E2E_KARGS kxtest.nonce=$nonce"
kxt_summary
kexec -l /nonexistent -f -e
kxt_fail "kexec -l /nonexistent -f -e" "returned rc=\$?"
EOF

build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" ""

assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_kxt_pass_count "$log" 40
assert_log_has "$log" "KXT-SUMMARY pass=40 fail=0"
assert_log_order "$log" "KXT-SUMMARY" "KXB-UP"
assert_log_line "$log" "KXB-CMDLINE:" "kxtest.nonce=$nonce" "kernel B must be the one loaded before -l /nonexistent -f -e"
assert_log_line "$log" "KXB-PAYLOAD:" "$KXB_PAYLOAD_SHA256"
e2e_finish
