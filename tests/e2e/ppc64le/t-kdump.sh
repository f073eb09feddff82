#!/usr/bin/env bash
# t-kdump.sh (ppc64le) - kdump end to end with kx's own crash kernel load
# (kexec_load: Debian's ppc64el kernel has no kexec_file_load). One guest run:
#   kernel A (1 GiB, crashkernel=512M: the region is in /chosen, not
#   /proc/iomem, on powerpc) runs
#     kx -S -p                    (nothing loaded: exit 0)
#     kx --print-ckr-size, kx --check   (the region's size)
#     kx -p -d /b/vmlinuz --initrd=/b/initrd.gz --append=...
#     kx -S -p                    (loaded: exit 1)
#     echo c > /proc/sysrq-trigger
#   the crash kernel (../guest/init-crash) must come up in the region with
#   elfcorehdr= on its command line, and find /proc/vmcore: an ELF64
#   little-endian EM_PPC64 core file with a CPU's NT_PRSTATUS and VMCOREINFO
#   naming kernel A, whose first PT_LOAD is the first 64 KiB (read from the
#   purgatory's backup) and whose next one is the RAM from 64 KiB up to the
#   region; Debian's ppc64el makedumpfile saves it (-l -d 31) and reads
#   kernel A's log back from the dump (--dump-dmesg): the panic is there.
set -eu
. "$(dirname "$0")/lib.sh"
e2e_init
log=$E2E_WORK/console.log
nonce=$(e2e_nonce)
build_initrd_crash "$E2E_WORK/initrd-crash.gz"
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
echo "KXA-REGION: \$(od -An -tx1 /proc/device-tree/chosen/linux,crashkernel-base | tr -d ' \n') \$(od -An -tx1 /proc/device-tree/chosen/linux,crashkernel-size | tr -d ' \n')"
expect_rc 0 -n "kx -S -p (nothing loaded)" -- kx -S -p
expect_out "536870912" -n "kx --print-ckr-size (the region from /chosen)" -- kx --print-ckr-size
expect_out "512 MiB" -n "kx --check shows the reservation" -- kx --check
expect_rc 0 -n "kx -p" -- kx -p -d /b/vmlinuz --initrd=/b/initrd.gz --append="$E2E_KARGS nr_cpus=1 kxtest.nonce=$nonce"
echo "KXA-LOAD-OUTPUT: \$(echo "\$KXT_OUT" | tr '\n' '|')"
expect_rc 1 -n "kx -S -p (loaded)" -- kx -S -p
expect_out 1 -n "kexec_crash_loaded" -- cat /sys/kernel/kexec_crash_loaded
kxt_summary
echo "KXA-CRASH: kernel \$(uname -r) panics now"
echo c >/proc/sysrq-trigger
kxt_fail "sysrq-trigger" "kernel A did not panic"
EOF
build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-crash.gz"
run_qemu "$log" "${KX_E2E_TIMEOUT:-400}" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "crashkernel=512M" || true
release=$(log_value "$log" "KXA-UP: kernel" | cut -d, -f1)
region=$(log_value "$log" "KXA-REGION:")
base=$((0x${region%% *})) size=$((0x${region##* }))
e2e_log "kernel A: ${release:-?}, region $(printf '0x%x+0x%x' "$base" "$size")"
assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_log_has "$log" "KXT-SUMMARY pass=6 fail=0"
assert_log_line "$log" "KXA-LOAD-OUTPUT:" "loaded with kexec_load" "kx -p should use kexec_load"
assert_log_line "$log" "KXA-LOAD-OUTPUT:" "backup" "the plan should have the backup segment"
assert_log_line "$log" "KXA-LOAD-OUTPUT:" "__run_at_load = 1" "the crash kernel should be told to run where it is"
assert_log_has "$log" "kx purgatory: jumping to" "the purgatory should run on the panic"
assert_log_order "$log" "KXA-CRASH:" "KXC-UP:"
assert_log_has "$log" "KXC-UP: kernel $release" "the crash kernel should come up"
assert_log_line "$log" "KXC-CMDLINE:" "kxtest.nonce=$nonce" "the crash kernel should get kx's command line"
assert_log_line "$log" "KXC-CMDLINE:" "elfcorehdr=0x" "the crash kernel needs elfcorehdr="
assert_log_has "$log" "KXC-VMCORE: present"
assert_log_line "$log" "KXC-ELF:" "ident=7f454c46020101 type=4 machine=21" "vmcore should be an ELF64 LE EM_PPC64 core"
assert_log_line "$log" "KXC-ELF:" "notes=1" "vmcore should merge the notes into one PT_NOTE"
assert_log_has "$log" "KXC-LOAD: paddr=0x0000000000000000 vaddr=0xc000000000000000 size=65536" \
	"the first PT_LOAD should be the first 64 KiB (from the backup)"
assert_log_has "$log" "KXC-LOAD: paddr=0x0000000000010000 vaddr=0xc000000000010000 size=$((base - 0x10000))" \
	"the next PT_LOAD should be the RAM from 64 KiB up to the region"
nz=$(log_value "$log" "KXC-FIRST:" | sed -n 's/.*nonzero=\([0-9]*\).*/\1/p')
e2e_check "the first 64 KiB in the dump should be the crashed kernel's (its exception vectors: mostly not zero), not an empty backup; $(log_value "$log" "KXC-FIRST:")" \
	[ "${nz:-0}" -ge 16384 ]
assert_log_line "$log" "KXC-NOTE-NAMES:" "CORE" "the CPU's crash note (NT_PRSTATUS) should be in vmcore"
assert_log_line "$log" "KXC-NOTE-NAMES:" "VMCOREINFO"
assert_log_has "$log" "KXC-VMCOREINFO: OSRELEASE=${release#kernel }" "VMCOREINFO should name kernel A ($release)"
assert_log_has "$log" "KXC-MAKEDUMPFILE: rc=0" "makedumpfile -l -d 31 /proc/vmcore should succeed"
assert_log_has "$log" "KXC-DMESG-READ: rc=0" "makedumpfile --dump-dmesg should read the dump"
assert_log_line "$log" "KXC-DMESG:" "Kernel panic - not syncing" "kernel A's log read from the dump should show the panic"
assert_log_line "$log" "KXC-DMESG:" "Linux version ${release#kernel }" "the log makedumpfile read should be kernel A's"
assert_log_has "$log" "KXC-DONE"
grep -a -E 'KXC-(UP|CMDLINE|MEM|ELF|LOAD|NOTE|VMCOREINFO|MAKEDUMPFILE|DMESG)' "$log" | tr -d '\r' | sed 's/^/    /' >&2 || true
e2e_log "QEMU time: ${E2E_QEMU_SECS}s"
e2e_finish
