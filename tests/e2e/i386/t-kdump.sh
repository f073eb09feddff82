#!/usr/bin/env bash
# t-kdump.sh (i386) - kdump end to end with kx's ELF32 core header
# (kexec_load, the only syscall on i386). One guest run:
#   kernel A (686, 1 GiB, crashkernel=64M) computes what the dump must cover
#     (System RAM minus the "Crash kernel" region, from /proc/iomem), runs
#     kx -S -p                    (nothing loaded: exit 0)
#     kx -p -d /b/vmlinuz --initrd=/b/initrd.gz --reuse-cmdline --append=...
#     kx -S -p                    (loaded: exit 1)
#     echo c > /proc/sysrq-trigger
#   kernel B (686-pae), the crash kernel (../guest/init-crash32), must come
#   up inside the region (the e820 map kx gives it) and find /proc/vmcore: an
#   ELF32 little-endian EM_386 core file whose notes hold a CPU's NT_PRSTATUS and
#   VMCOREINFO naming kernel A's release, whose PT_LOADs add up to what
#   kernel A computed, and whose RAM holds kernel A's panic message (its log
#   buffer) and reads to its end.
#   Then Debian's i386 makedumpfile (fetch.sh makedumpfile) reads the dump
#   (-l -d 31, to stdout) and kernel A's log out of it (--dump-dmesg).
set -eu
. "$(dirname "$0")/lib.sh"

# shellcheck source=../kdump32.sh
. "$(dirname "$0")/../kdump32.sh"

e2e_init
KX_E2E_CACHE=$E2E_CACHE e2e_cache_locked apt "$I386_DIR/fetch.sh" makedumpfile >/dev/null || e2e_die "fetch.sh makedumpfile failed"
log=$E2E_WORK/console.log
nonce=$(e2e_nonce)
build_initrd_crash32 "$E2E_WORK/initrd-crash.gz" "$E2E_CACHE/i386/makedumpfile" i386-linux-gnu \
	ld-linux.so.2
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
# what /proc/vmcore must cover: the top-level System RAM minus the region
# and the first 1 MiB (the crash kernel's own, as on x86_64)
ram=0 ck=0
for r in \$(grep -E '^[0-9a-f]+-[0-9a-f]+ : System RAM' /proc/iomem | cut -d' ' -f1); do
	ram=\$((ram + 0x\${r#*-} - 0x\${r%-*} + 1))
done
for r in \$(grep -E '^ +[0-9a-f]+-[0-9a-f]+ : Crash kernel' /proc/iomem | tr -d ' ' | cut -d: -f1); do
	ck=\$((ck + 0x\${r#*-} - 0x\${r%-*} + 1))
	echo "KXA-REGION: \$r"
done
low=0
for r in \$(grep -E '^0000[0-9a-f]+-000[0-9a-f]+ : System RAM' /proc/iomem | cut -d' ' -f1); do
	e=\$((0x\${r#*-} + 1)); [ \$e -le 1048576 ] || e=1048576
	[ \$((0x\${r%-*})) -ge \$e ] || low=\$((low + e - 0x\${r%-*}))
done
# the kernel image (code to bss; arm's "Kernel data" ends at _end): the
# crash kernel looks for the panic there
kern=\$(grep -E '^ +[0-9a-f]+-[0-9a-f]+ : Kernel (code|rodata|data|bss)' /proc/iomem | tr -d ' ' |
	cut -d: -f1 | awk -F- 'NR == 1 { s = \$1 } { e = \$2 } END { print s "-" e }')
echo "KXA-KERNEL: \$kern"
echo "KXA-DUMPABLE: \$((ram - ck - low))"
expect_rc 0 -n "kx -S -p (nothing loaded)" -- kx -S -p
expect_rc 0 -n "kx -p" -- kx -p -d /b/vmlinuz --initrd=/b/initrd.gz --reuse-cmdline --append="nr_cpus=1 irqpoll reset_devices kxtest.nonce=$nonce kxtest.dump=\$kern"
echo "KXA-LOAD-OUTPUT: \$(echo "\$KXT_OUT" | tr '\n' '|')"
expect_rc 1 -n "kx -S -p (loaded)" -- kx -S -p
expect_out 1 -n "kexec_crash_loaded" -- cat /sys/kernel/kexec_crash_loaded
echo "KXA-CRASH: kernel \$(uname -r) panics now"
echo c >/proc/sysrq-trigger
kxt_fail "sysrq-trigger" "kernel A did not panic"
EOF
build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-crash.gz"
run_qemu "$log" "$E2E_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "crashkernel=64M no_timer_check" || true
release=$(log_value "$log" "KXA-UP: kernel" | cut -d, -f1)
dumpable=$(log_value "$log" "KXA-DUMPABLE:")
region=$(log_value "$log" "KXA-REGION:")
e2e_log "kernel A: ${release:-?}, region ${region:-?}, dumpable ${dumpable:-?} bytes; crash kernel up at $(log_value "$log" "KXC-UP:" | sed 's/.*up //')"
assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_kxt_pass_count "$log" 4
assert_log_line "$log" "KXA-LOAD-OUTPUT:" "loaded with kexec_load" "kx -p should use kexec_load"
assert_log_order "$log" "KXA-CRASH:" "KXC-UP:"
assert_log_has "$log" "KXC-UP: kernel $release" "the crash kernel should come up"
assert_log_line "$log" "KXC-CMDLINE:" "kxtest.nonce=$nonce" "the crash kernel should get kx's command line"
assert_log_line "$log" "KXC-CMDLINE:" "elfcorehdr=0x" "the crash kernel needs elfcorehdr="
e2e_check "no mem= on x86 (the e820 map says it)" bash -c "! grep -F 'KXC-CMDLINE:' '$log' | grep -q ' mem='"
e2e_check "the crash kernel must not get crashkernel= (kernel A's, --reuse-cmdline)" \
	bash -c "! grep -F 'KXC-CMDLINE:' '$log' | grep -q crashkernel="
# its RAM: below 1 MiB and the region (the core header's page left out)
start=${region%-*}
e2e_check "the crash kernel's RAM should be the region ($region); got $(grep -F KXC-RAM: "$log" | tr -d '\r' | tr '\n' ' ')" \
	bash -c "grep -F 'KXC-RAM:' '$log' | tr -d '\r' | grep -q 'KXC-RAM: 0*${start}-[0-9a-f]* : System RAM'"
outside=
while read -r r; do
	a=$((0x${r%-*})) b=$((0x${r#*-}))
	[ "$b" -lt $((0x100000)) ] || { [ "$a" -ge $((0x${region%-*})) ] && [ "$b" -le $((0x${region#*-})) ]; } ||
		outside="$outside $r"
done < <(grep -F 'KXC-RAM:' "$log" | tr -d '\r' | awk '{ print $2 }')
e2e_check "the crash kernel's RAM should be only below 1 MiB and the region; outside:$outside" [ -z "$outside" ]
assert_log_has "$log" "KXC-VMCORE: present"
assert_log_line "$log" "KXC-ELF:" "ident=7f454c46010101 type=4 machine=3 " "vmcore should be an ELF32 LE EM_386 core"
assert_log_line "$log" "KXC-ELF:" "notes=1" "vmcore should merge the notes into one PT_NOTE"
assert_log_line "$log" "KXC-ELF:" "loadbytes=$dumpable" "the PT_LOADs should cover kernel A's RAM minus the region ($dumpable)"
# without /proc/kcore: lowmem's RAM at PAGE_OFFSET 0xc0000000 (makedumpfile needs it)
assert_log_has "$log" "KXC-LOAD: paddr=0x00100000 vaddr=0xc0100000" "lowmem RAM should have its direct-map address"
assert_log_line "$log" "KXC-NOTE-NAMES:" "CORE" "the CPU's crash note (NT_PRSTATUS) should be in vmcore"
assert_log_line "$log" "KXC-NOTE-NAMES:" "VMCOREINFO"
assert_log_has "$log" "KXC-VMCOREINFO: OSRELEASE=$release" "VMCOREINFO should name kernel A ($release)"
assert_log_has "$log" "KXC-PANIC-TEXT: found" "kernel A's panic should be in its memory in the dump (its log buffer, in $(log_value "$log" KXA-KERNEL:))"
tail=$(log_value "$log" "KXC-TAIL:")
e2e_check "the dump's last MiB (kernel A's last RAM) should read: $tail" \
	bash -c "[ -n '$tail' ] && [ '${tail%% *}' = 'bytes=${tail##*want=}' ]"
assert_log_has "$log" "KXC-MAKEDUMPFILE: rc=0" "makedumpfile -F -l -d 31 /proc/vmcore should succeed"
assert_log_has "$log" "KXC-DMESG-READ: rc=0" "makedumpfile --dump-dmesg /proc/vmcore should succeed"
assert_log_line "$log" "KXC-DMESG:" "Kernel panic - not syncing" "kernel A's log read by makedumpfile should show the panic"
assert_log_line "$log" "KXC-DMESG:" "Linux version $release" "the log makedumpfile read should be kernel A's"
assert_log_has "$log" "KXC-DONE"
grep -E 'KXC-(UP|CMDLINE|MEM|RAM|ELF|LOAD|PANIC|TAIL|MAKEDUMPFILE|DMESG)' "$log" | tr -d '\r' | sed 's/^/    /' >&2 || true
e2e_log "QEMU time: ${E2E_QEMU_SECS}s"
e2e_finish
