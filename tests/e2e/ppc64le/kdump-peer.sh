#!/usr/bin/env bash
# kdump-peer.sh [CRASHKERNEL] - kdump on QEMU pseries (TCG) with the peer,
# Debian's ppc64el kexec-tools, not kx: kernel A (crashkernel=, default 512M)
# runs
#   kexec -p /b/vmlinuz --initrd=/b/initrd.gz --append="... nonce"
#   echo c > /proc/sysrq-trigger
# and the crash kernel (../guest/init-crash) must find /proc/vmcore, an ELF64
# little-endian EM_PPC64 core file with kernel A's notes, which Debian's
# makedumpfile saves (-l -d 31) and reads kernel A's log from. Not a t-* test
# (those test kx): it proves the harness's kdump path, and shows what the
# crash kernel gets from kexec-tools (its command line, its memory).
set -eu
. "$(dirname "$0")/lib.sh"
E2E_NAME=kdump-peer
e2e_init
ck=${1:-512M}
log=$E2E_WORK/console.log
nonce=$(e2e_nonce)
build_initrd_crash "$E2E_WORK/initrd-crash.gz"
cat >"$E2E_WORK/scenario.sh" <<EOS
. /t.sh
grep -E 'Crash kernel|System RAM' /proc/iomem | sed 's/^/KXA-IOMEM: /'
expect_rc 0 -n "kexec -p" -- kexec -p /b/vmlinuz --initrd=/b/initrd.gz --append="$E2E_KARGS nr_cpus=1 irqpoll kxtest.nonce=$nonce"
expect_out 1 -n "kexec_crash_loaded" -- cat /sys/kernel/kexec_crash_loaded
kxt_summary
echo "KXA-CRASH: kernel \$(uname -r) panics now"
echo c >/proc/sysrq-trigger
kxt_fail "sysrq-trigger" "kernel A did not panic"
EOS
build_initrd_peer "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-crash.gz"
KX_E2E_TS=1 run_qemu "$log" "${KX_E2E_TIMEOUT:-400}" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "crashkernel=$ck" || true
release=$(log_value "$log" "KXA-UP: kernel" | cut -d, -f1)
assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-SUMMARY pass=2 fail=0"
assert_log_order "$log" "KXA-CRASH:" "KXC-UP:"
assert_log_line "$log" "KXC-CMDLINE:" "kxtest.nonce=$nonce" "the crash kernel should get the command line"
assert_log_line "$log" "KXC-CMDLINE:" "elfcorehdr=" "the crash kernel needs elfcorehdr="
assert_log_has "$log" "KXC-VMCORE: present"
assert_log_line "$log" "KXC-ELF:" "ident=7f454c46020101 type=4 machine=21" "vmcore should be an ELF64 LE EM_PPC64 core"
assert_log_line "$log" "KXC-NOTE-NAMES:" "CORE"
assert_log_line "$log" "KXC-NOTE-NAMES:" "VMCOREINFO"
assert_log_has "$log" "KXC-VMCOREINFO: OSRELEASE=${release#* }" "VMCOREINFO should name kernel A"
assert_log_has "$log" "KXC-MAKEDUMPFILE: rc=0"
assert_log_has "$log" "KXC-DMESG-READ: rc=0"
assert_log_line "$log" "KXC-DMESG:" "Kernel panic - not syncing" "kernel A's log read from the dump should show the panic"
assert_log_has "$log" "KXC-DONE"
grep -a -E 'KXA-IOMEM|KXC-(UP|CMDLINE|MEM|ELF|LOAD|NOTE|VMCOREINFO|MAKEDUMPFILE|DMESG)' "$log" | tr -d '\r' | cut -d' ' -f2- | sed 's/^/    /' >&2 || true
e2e_log "QEMU time: ${E2E_QEMU_SECS}s"
e2e_finish
