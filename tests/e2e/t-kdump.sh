#!/usr/bin/env bash
# t-kdump.sh - kdump end to end, with kx's own ELF core header (kx -p -c):
#   kernel A boots with crashkernel=256M hugepages=2 (1 GiB of RAM) and runs
#     kx -S -p -d                 (nothing loaded: exit 0)
#     kx -p -c -d --elf64-core-headers /b/vmlinuz --initrd=/b/initrd.gz --reuse-cmdline
#        --append="nr_cpus=1 irqpoll reset_devices nonce"   (kdump-tools' own additions)
#     kx -S -p -d                 (loaded: exit 1)
#     echo c > /proc/sysrq-trigger
#   and kernel B, the crash kernel, must come up in the reserved region
#   (guest/init-crash) and find /proc/vmcore with a sane ELF header, the
#   VMCOREINFO note naming kernel A's release, save a dump with Debian's
#   makedumpfile (-l -d 31) and read kernel A's panic back out of the saved
#   dump with makedumpfile --dump-dmesg.
#
# KX_KDUMP_SYSCALL picks the syscall: -c (default: kx builds the core
# header), -s (t-kdump-file.sh: the kernel does), -a (auto). makedumpfile
# and its libraries are downloaded once (apt-get download, never installed)
# into $KX_E2E_CACHE/makedumpfile.
set -eu
. "$(dirname "$0")/lib.sh"

KDUMP_SYSCALL=${KX_KDUMP_SYSCALL:--c}
KDUMP_MEM=${KX_KDUMP_MEM:-1024}          # kernel A's RAM, MiB
KDUMP_RESERVE=${KX_KDUMP_RESERVE:-256M}  # crashkernel=
KDUMP_TIMEOUT=${KX_KDUMP_TIMEOUT:-300}   # one QEMU run, s
case $KDUMP_SYSCALL in
	-c) E2E_NAME=${E2E_NAME:-t-kdump} ;;
	-s) E2E_NAME=${E2E_NAME:-t-kdump-file} ;;
	-a) E2E_NAME=${E2E_NAME:-t-kdump-auto} ;;
	*) echo "t-kdump.sh: KX_KDUMP_SYSCALL must be -c, -s or -a" >&2; exit 2 ;;
esac

# kdump_fetch: makedumpfile plus every library it and its loader need,
# unpacked under $KDUMP_ROOT. Idempotent; apt is not touched once cached.
kdump_fetch() {
	local dir=$E2E_CACHE/makedumpfile dl tmp deb
	local -a opts=()
	KDUMP_ROOT=$dir/root
	[ -x "$KDUMP_ROOT/usr/bin/makedumpfile" ] && return 0
	[ "$(id -u)" != 0 ] || opts=(-o APT::Sandbox::User=root)
	mkdir -p "$dir"
	dl=$(mktemp -d "$dir/.dl.XXXXXX")
	tmp=$(mktemp -d "$dir/.unpack.XXXXXX")
	e2e_log "downloading makedumpfile and its libraries"
	if ! (cd "$dl" && apt-get "${opts[@]}" -q download makedumpfile libdw1 libelf1 liblzo2-2 \
		zlib1g libbz2-1.0 liblzma5 libzstd1 libc6 >&2); then
		rm -rf "$dl" "$tmp"
		e2e_die "apt-get download makedumpfile failed (has 'apt-get update' been run?)"
	fi
	for deb in "$dl"/*.deb; do dpkg -x "$deb" "$tmp"; done
	rm -rf "$dl"
	[ -x "$tmp/usr/bin/makedumpfile" ] || { rm -rf "$tmp"; e2e_die "makedumpfile has no usr/bin/makedumpfile"; }
	rm -rf "$KDUMP_ROOT"
	mv "$tmp" "$KDUMP_ROOT"
}

# build_initrd_crash OUT: busybox + guest/init-crash as /init + makedumpfile
# with the libraries its loader lists (ld.so --list, i.e. ldd).
build_initrd_crash() {
	local out=$1 stage lib ld=$KDUMP_ROOT/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
	local lp=$KDUMP_ROOT/lib/x86_64-linux-gnu:$KDUMP_ROOT/usr/lib/x86_64-linux-gnu
	stage=$(mktemp -d "$E2E_WORK/stage-c.XXXXXX")
	_e2e_stage_base "$stage"
	cp "$E2E_DIR/guest/init-crash" "$stage/init"
	chmod 755 "$stage/init"
	mkdir -p "$stage/lib/x86_64-linux-gnu" "$stage/lib64"
	cp "$KDUMP_ROOT/usr/bin/makedumpfile" "$stage/usr/bin/makedumpfile"
	[ -f "$ld" ] || e2e_die "no dynamic loader at $ld"
	for lib in $("$ld" --library-path "$lp" --list "$KDUMP_ROOT/usr/bin/makedumpfile" |
		awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
		cp -L "$lib" "$stage/lib/x86_64-linux-gnu/"
	done
	[ -f "$stage/lib/x86_64-linux-gnu/libc.so.6" ] || e2e_die "ld.so --list found no libc for makedumpfile"
	cp -L "$ld" "$stage/lib64/ld-linux-x86-64.so.2"
	make_initramfs "$stage" "$out"
	rm -rf "$stage"
	e2e_log "crash initrd: $out ($(du -k "$out" | cut -f1) KiB)"
}

e2e_init
e2e_cache_locked makedumpfile kdump_fetch
log=$E2E_WORK/console.log
nonce=$(e2e_nonce)
build_initrd_crash "$E2E_WORK/initrd-crash.gz"
cat >"$E2E_WORK/scenario.sh" <<EOF
. /t.sh
expect_out "no crash kernel is loaded" -n "kx -S -p -d (nothing loaded)" -- kx -S -p -d
# --elf64-core-headers: the example KDUMP_KEXEC_ARGS in Debian's /etc/default/kdump-tools
expect_rc 0 -n "kx -p $KDUMP_SYSCALL" -- kx -p $KDUMP_SYSCALL -d --elf64-core-headers /b/vmlinuz --initrd=/b/initrd.gz --reuse-cmdline --append="nr_cpus=1 irqpoll reset_devices kxtest.nonce=$nonce"
echo "KXA-LOAD-OUTPUT: \$(echo "\$KXT_OUT" | tr '\n' '|')"
expect_out "a crash kernel is loaded" -r 1 -n "kx -S -p -d (loaded)" -- kx -S -p -d
expect_out 1 -n "kexec_crash_loaded" -- cat /sys/kernel/kexec_crash_loaded
echo "KXA-CRASH: kernel \$(uname -r) panics now"
echo c >/proc/sysrq-trigger
kxt_fail "sysrq-trigger" "kernel A did not panic"
EOF
build_initrd_a "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-crash.gz"
# no_timer_check: under TCG on a loaded host the IO-APIC timer check can
# panic kernel A at boot ("IO-APIC + timer doesn't work!"); kernel B inherits it
KX_E2E_MEM=$KDUMP_MEM run_qemu "$log" "$KDUMP_TIMEOUT" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" \
	"crashkernel=$KDUMP_RESERVE no_timer_check hugepages=2" || true
release=$(log_value "$log" "KXA-UP: kernel" | cut -d, -f1)
e2e_log "kernel A: ${release:-?}; crash kernel up at $(log_value "$log" "KXC-UP:" | sed 's/.*up //')"
assert_qemu_rc 0
assert_no_kxt_fail "$log"
assert_kxt_pass_count "$log" 4
case $KDUMP_SYSCALL in
	-c|-a) assert_log_line "$log" "KXA-LOAD-OUTPUT:" "loaded with kexec_load" "kx -p $KDUMP_SYSCALL should use kexec_load" ;;
	*) assert_log_line "$log" "KXA-LOAD-OUTPUT:" "loaded with kexec_file_load" "kx -p $KDUMP_SYSCALL should use kexec_file_load" ;;
esac
assert_log_line "$log" "KXA-LOAD-OUTPUT:" "--elf64-core-headers changes nothing" \
	"kexec-tools' --elf64-core-headers should be taken (and said under -d)"
assert_log_order "$log" "KXA-CRASH:" "KXC-UP:"
# kernel B's command line: kernel A's without crashkernel= (as kexec-tools composes
# --reuse-cmdline), then the --append given (kx adds nothing of its own)
assert_log_line "$log" "KXC-CMDLINE:" "kxtest.nonce=$nonce" "the crash kernel should get kx's command line"
assert_log_line "$log" "KXC-CMDLINE:" "elfcorehdr=" "the crash kernel needs elfcorehdr="
for w in nr_cpus=1 irqpoll reset_devices console=ttyS0; do
	assert_log_line "$log" "KXC-CMDLINE:" "$w"
done
e2e_check "the crash kernel must not get crashkernel= (kernel A's, --reuse-cmdline)" \
	bash -c "! grep -F 'KXC-CMDLINE:' '$log' | grep -q crashkernel="
assert_log_line "$log" "KXC-CMDLINE:" "hugepages=2" "--reuse-cmdline keeps every other word, as kexec-tools"
# /proc/vmcore: an ELF64 little-endian core file for x86_64 with notes and RAM
assert_log_has "$log" "KXC-VMCORE: present"
assert_log_line "$log" "KXC-ELF:" "ident=7f454c46020101 type=4 machine=62"
assert_log_line "$log" "KXC-ELF:" "notes=1" "vmcore should merge the notes into one PT_NOTE"
e2e_check "vmcore should have PT_LOADs" bash -c "grep -F 'KXC-ELF:' '$log' | grep -Eq 'loads=[1-9]'"
assert_log_line "$log" "KXC-NOTE-NAMES:" "CORE" "the CPU's crash note (NT_PRSTATUS) should be in vmcore"
assert_log_line "$log" "KXC-NOTE-NAMES:" "VMCOREINFO"
assert_log_has "$log" "KXC-VMCOREINFO: OSRELEASE=$release" "VMCOREINFO should name kernel A ($release)"
# makedumpfile saved a dump and read kernel A's panic back from it
assert_log_has "$log" "KXC-MAKEDUMPFILE: rc=0" "makedumpfile -l -d 31 /proc/vmcore should succeed"
assert_log_has "$log" "KXC-DMESG-READ: rc=0" "makedumpfile --dump-dmesg should read the saved dump"
assert_log_line "$log" "KXC-DMESG:" "sysrq: Trigger a crash" "kernel A's log in the dump should show the sysrq"
assert_log_line "$log" "KXC-DMESG:" "Kernel panic - not syncing" "kernel A's log in the dump should show the panic"
assert_log_line "$log" "KXC-DMESG:" "Linux version $release" "the dump's log should be kernel A's"
assert_log_has "$log" "KXC-DONE"
grep -E 'KXC-(UP|MEM|ELF|MAKEDUMPFILE|DMESG)' "$log" | tr -d '\r' | sed 's/^/    /' >&2 || true
e2e_log "QEMU time: ${E2E_QEMU_SECS}s"
e2e_finish
