#!/usr/bin/env bash
# t-kdump-errors.sh - kx -p without a dump: the reservation checks, the
# crash kernel's status, unloading, auto mode. Two boots of kernel A:
#   1. no crashkernel=: every -p load (auto, -c, -s, --dry-run) fails with
#      "no memory is reserved" and the crashkernel= size these files need;
#      --suggest-crashkernel still answers; --print-ckr-size prints 0; -S -p
#      (exit 0, nothing printed) says nothing is loaded.
#   2. crashkernel=72M: a load that cannot fit (a 24 MiB initrd more) is
#      refused with the size to reserve; the real files load with a warning
#      (less than the estimate) in auto mode, i.e. with kexec_file_load;
#      -S -p, -p -u, then -c and -s loads and unloads, cross-checked with
#      /sys/kernel/kexec_crash_loaded; --dry-run -p -c shows the core header;
#      --print-ckr-size prints the 72 MiB; -u -p unloads and then finds no
#      kernel to load (kexec-tools' order); --hotplug, --no-cma, --force-dtb
#      on this 6.1 kernel, and --hotplug's plan with a crash_elfcorehdr_size
#      bound over /sys/kernel (6.1's kexec_load then refuses the flag).
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init

# the crash kernel's files: initrd B (no dump is taken here)
build_initrd_b "$E2E_WORK/initrd-b.gz" 2
files="/b/vmlinuz --initrd=/b/initrd.gz"

# --- 1. nothing reserved -------------------------------------------------------
cat >"$E2E_WORK/scenario1.sh" <<EOF
. /t.sh
for sc in "" -c -s; do
	expect -r 1 -o "no memory is reserved for a crash kernel" -n "kx -p \$sc: no reservation" -- kx -p \$sc $files
	case \$KXT_OUT in *"crashkernel="*M*) kxt_pass "says how much (\$sc)" ;; *) kxt_fail "says how much (\$sc)" "\$KXT_OUT" ;; esac
	echo "KXA-NORES(\$sc): \$KXT_OUT"
done
expect -r 1 -o "no memory is reserved" -n "kx --dry-run -p -c: no reservation" -- kx --dry-run -p -c $files
expect_out "crashkernel=" -n "kx --suggest-crashkernel" -- kx --suggest-crashkernel -p $files
echo "KXA-CKR: \$(echo "\$KXT_OUT" | tr '\n' '|')"
case \$KXT_OUT in *"reserved now: nothing"*) kxt_pass "ckr: nothing reserved" ;; *) kxt_fail "ckr: nothing reserved" "\$KXT_OUT" ;; esac
expect -n "kx --print-ckr-size: 0 (nothing reserved)" -- kx --print-ckr-size
[ "\$KXT_OUT" = 0 ] && kxt_pass "print-ckr-size prints 0" || kxt_fail "print-ckr-size prints 0" "\$KXT_OUT"
expect -n "kx -S -p" -- kx -S -p
[ -z "\$KXT_OUT" ] && kxt_pass "-S prints nothing" || kxt_fail "-S prints nothing" "\$KXT_OUT"
EOF
build_initrd_a "$E2E_WORK/initrd-a1.gz" "$E2E_WORK/scenario1.sh" "$E2E_WORK/initrd-b.gz"
log1=$E2E_WORK/console1.log
# no_timer_check: see t-kdump.sh (a TCG timing flake of the IO-APIC check)
run_qemu "$log1" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a1.gz" "no_timer_check"
assert_qemu_rc 0
assert_no_kxt_fail "$log1"
assert_kxt_pass_count "$log1" 13
assert_log_has "$log1" "KXA-SCENARIO-EXIT: rc=0"
ckr=$(log_value "$log1" "KXA-CKR:" | cut -d'|' -f1)
e2e_log "--suggest-crashkernel says: $ckr"
e2e_check "--suggest-crashkernel's first line is crashkernel=NM" bash -c "[[ '$ckr' =~ ^crashkernel=[0-9]+M$ ]]"

# --- 2. 72 MiB reserved: enough to load, less than the estimate -------------------
cat >"$E2E_WORK/scenario2.sh" <<EOF
. /t.sh
head -c \$((24 << 20)) /dev/urandom >/tmp/big.img
for sc in -c -s; do
	expect -r 1 -o "is too small for these files" -n "kx -p \$sc: too small" -- kx -p \$sc $files --initrd=/tmp/big.img
	case \$KXT_OUT in *"reserve crashkernel="*M*) kxt_pass "too small: says how much (\$sc)" ;; *) kxt_fail "too small: says how much (\$sc)" "\$KXT_OUT" ;; esac
	echo "KXA-TOOSMALL(\$sc): \$KXT_OUT"
done
expect_out "no crash kernel is loaded" -n "kx -S -p -d (refused loads left nothing)" -- kx -S -p -d
expect -n "kx --print-ckr-size: the reservation in bytes" -- kx --print-ckr-size -l /nonexistent --bogus
[ "\$KXT_OUT" = \$((72 << 20)) ] && kxt_pass "print-ckr-size prints 72 MiB" || kxt_fail "print-ckr-size prints 72 MiB" "\$KXT_OUT"
expect -o "elfcorehdr=0x" -n "kx --dry-run -p -c" -- kx --dry-run -p -c $files --append=console=ttyS0
echo "KXA-DRYRUN: \$(echo "\$KXT_OUT" | tr '\n' '|')"
expect -r 0 -o "warning: the crash kernel region" -n "kx -p (auto) loads, with a warning" -- kx -p -d $files
echo "KXA-LOAD-OUTPUT: \$(echo "\$KXT_OUT" | tr '\n' '|')"
case \$KXT_OUT in *"loaded with kexec_load"*) kxt_pass "auto uses kexec_load (no policy asks for the file path)" ;; *) kxt_fail "auto uses kexec_load (no policy asks for the file path)" "\$KXT_OUT" ;; esac
expect_out "a crash kernel is loaded" -r 1 -n "kx -S -p -d (loaded)" -- kx -S -p -d
expect_rc 1 -n "kx -S (the crash kernel, no -l)" -- kx -S
expect_rc 0 -n "kx -l -S (the normal kernel)" -- kx -l -S
expect_rc 1 -n "kx -l -p -S (-p wins)" -- kx -S -l -p
expect_out 1 -n "kexec_crash_loaded=1" -- cat /sys/kernel/kexec_crash_loaded
expect_rc 0 -n "kx -p -u (kdump-config's unload)" -- kx -p -u
expect_out 0 -n "kexec_crash_loaded=0" -- cat /sys/kernel/kexec_crash_loaded
expect_out "no crash kernel is loaded" -n "kx -S -p -d (unloaded)" -- kx -S -p -d
expect_rc 0 -n "kx -p -c again" -- kx -p -c $files
expect -r 2 -o "no kernel given" -n "kx -u -p: unloads, then -p finds no kernel (kexec-tools' order)" -- kx -u -p
expect_out 0 -n "kexec_crash_loaded=0 after -u -p" -- cat /sys/kernel/kexec_crash_loaded
expect -r 1 -o "--hotplug needs a kernel with crash hotplug (CONFIG_CRASH_HOTPLUG): /sys/kernel/crash_elfcorehdr_size is missing" -n "kx -p -c --hotplug on 6.1" -- kx -p -c --hotplug $files
expect -r 0 -o "updated on hotplug by the kernel itself" -n "kx -p -s --hotplug -d" -- kx -p -s --hotplug -d $files
expect_out 1 -n "kexec_crash_loaded=1 (-s --hotplug)" -- cat /sys/kernel/kexec_crash_loaded
expect -r 0 -o "does not know kexec_file_load flag 0x10 (--no-cma): not asked; it places no segment in CMA anyway" -n "kx -p -s --no-cma -d on 6.1" -- kx -p -s --no-cma -d $files
expect -r 0 -o "does not know kexec_file_load flag 0x8 (-d): not asked" -n "-d: KEXEC_FILE_DEBUG not on 6.1" -- kx -p -s -d $files
expect -r 2 -o "kx: the running kernel does not know --force-dtb (kexec_file_load flag 0x20, Linux 6.18 and later); nothing was loaded." -n "kx -p -s --force-dtb on 6.1" -- kx -p -s --force-dtb $files
expect_out 1 -n "the crash kernel loaded before is still there" -- cat /sys/kernel/kexec_crash_loaded
# --hotplug's plan, as on a kernel with crash hotplug: a copy of /sys/kernel with
# crash_elfcorehdr_size added, bound over it; 6.1's kexec_load then refuses the flag
mkdir -p /tmp/sk/boot_params
for f in kexec_loaded kexec_crash_loaded kexec_crash_size vmcoreinfo; do cat /sys/kernel/\$f >/tmp/sk/\$f; done
cat /sys/kernel/boot_params/data >/tmp/sk/boot_params/data
echo 65536 >/tmp/sk/crash_elfcorehdr_size
mount --bind /tmp/sk /sys/kernel
expect -o '"purpose":"elfcorehdr"' -n "--hotplug: JSON plan" -- kx --dry-run --json -p -c --hotplug $files
seg=\$(echo "\$KXT_OUT" | grep -o '"purpose":"elfcorehdr"[^}]*}')
case \$seg in *'"memsz":65536'*) kxt_pass "--hotplug: the header gets crash_elfcorehdr_size" ;; *) kxt_fail "--hotplug: the header gets crash_elfcorehdr_size" "\$seg" ;; esac
case \$seg in *digest*) kxt_fail "--hotplug: the header is not verified" "\$seg" ;; *) kxt_pass "--hotplug: the header is not verified" ;; esac
expect -o "not elfcorehdr (the kernel rewrites it on hotplug)" -n "--hotplug: text plan" -- kx --dry-run -p -c --hotplug $files
expect -r 2 -o "kx: the running kernel does not know --hotplug (kexec_load flag 0x4, Linux 6.5 and later); nothing was loaded." -n "--hotplug: 6.1's kexec_load refuses the flag" -- kx -p -c --hotplug $files
umount /sys/kernel
expect_out 1 -n "the crash kernel loaded before is still there (after --hotplug)" -- cat /sys/kernel/kexec_crash_loaded
expect_rc 0 -n "kx -p -u" -- kx -p -u
for sc in -c -s; do
	expect_rc 0 -n "kx -p \$sc" -- kx -p \$sc $files
	expect_out 1 -n "kexec_crash_loaded=1 (\$sc)" -- cat /sys/kernel/kexec_crash_loaded
	expect_out 0 -n "the normal kexec slot stays empty (\$sc)" -- cat /sys/kernel/kexec_loaded
	expect_rc 0 -n "kx -p -u \$sc" -- kx -p -u \$sc
	expect_out 0 -n "kexec_crash_loaded=0 (\$sc)" -- cat /sys/kernel/kexec_crash_loaded
done
EOF
build_initrd_a "$E2E_WORK/initrd-a2.gz" "$E2E_WORK/scenario2.sh" "$E2E_WORK/initrd-b.gz"
log2=$E2E_WORK/console2.log
run_qemu "$log2" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a2.gz" "crashkernel=72M no_timer_check"
assert_qemu_rc 0
assert_no_kxt_fail "$log2"
assert_kxt_pass_count "$log2" 45
assert_log_has "$log2" "KXA-SCENARIO-EXIT: rc=0"
assert_log_line "$log2" "KXA-DRYRUN:" "elfcorehdr " "the plan should show the core header segment"
assert_log_line "$log2" "KXA-DRYRUN:" "command line: console=ttyS0 elfcorehdr=0x" "kx adds only elfcorehdr= to a crash kernel's line"
e2e_finish
