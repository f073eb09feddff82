#!/usr/bin/env bash
# peer.sh [CPUS...] - the harness proven with the peer, Debian's ppc64el
# kexec-tools (2.0.25), not kx: Debian's powerpc64le kernel (A) on QEMU pseries
# (TCG) runs
#   kexec -l /b/vmlinuz --initrd=/b/initrd.gz --append="... nonce"
#   kexec -e
# and kernel B must come up with that command line, initrd B intact and every
# CPU online; once per CPU count (default: 1, then 2). Not a t-* test (those
# test kx) and not in make check: it is the path bench.sh measures, and the
# check that the console, the markers and a kexec of this kernel under TCG
# work before anything of kx's is involved. Prints the boot times.
set -eu
. "$(dirname "$0")/lib.sh"
E2E_NAME=peer
e2e_init
[ $# -gt 0 ] || set -- 1 2
build_initrd_b "$E2E_WORK/initrd-b.gz" 2
for n in "$@"; do
	nonce=$(e2e_nonce)
	log=$E2E_WORK/console-smp$n.log
	cat >"$E2E_WORK/scenario.sh" <<EOS
. /t.sh
expect_out "$((n - 1))" -n "$n CPUs online" -- cat /sys/devices/system/cpu/online
expect_rc 0 -n "kexec -l" -- kexec -l /b/vmlinuz --initrd=/b/initrd.gz --append="$E2E_KARGS kxtest.nonce=$nonce"
expect_out 1 -n "kexec_loaded" -- cat /sys/kernel/kexec_loaded
kxt_summary
echo "KXA-EXEC"
kexec -e
kxt_fail "kexec -e" "returned rc=\$? instead of booting kernel B"
EOS
	build_initrd_peer "$E2E_WORK/initrd-a.gz" "$E2E_WORK/scenario.sh" "$E2E_WORK/initrd-b.gz"
	KX_E2E_SMP=$n KX_E2E_TS=1 run_qemu "$log" "${KX_E2E_TIMEOUT:-300}" "$E2E_VMLINUZ" "$E2E_WORK/initrd-a.gz" "" || true
	assert_qemu_rc 0
	assert_no_kxt_fail "$log"
	assert_log_has "$log" "KXT-SUMMARY pass=3 fail=0"
	assert_log_line "$log" "KXB-CMDLINE:" "kxtest.nonce=$nonce" \
		"$n CPUs: kernel B should get the command line (nonce $nonce); got: $(log_value "$log" KXB-CMDLINE:)"
	assert_log_has "$log" "KXB-PAYLOAD: $KXB_PAYLOAD_SHA256" \
		"$n CPUs: kernel B should get initrd B intact; got: $(log_value "$log" KXB-PAYLOAD:)"
	assert_log_has "$log" "KXB-CPUS: $n" "$n CPUs: kernel B should bring up every CPU; got: $(log_value "$log" KXB-CPUS:)"
	assert_log_has "$log" "KXB-DONE" "$n CPUs: kernel B's /init should run to the end"
	# host times (KX_E2E_TS=1): QEMU start, kernel A's /init, the exec, kernel B's /init
	t0=$(head -n1 "$log" | cut -d' ' -f1)
	ta=$(grep -a -m1 -F KXA-UP "$log" | cut -d' ' -f1)
	te=$(grep -a -m1 -F KXA-EXEC "$log" | cut -d' ' -f1)
	tb=$(grep -a -m1 -F KXB-UP "$log" | cut -d' ' -f1)
	e2e_log "$n CPUs: kernel A's /init at $(awk -v a="$t0" -v b="$ta" 'BEGIN { printf "%.1f", b - a }')s, exec at $(awk -v a="$t0" -v b="$te" 'BEGIN { printf "%.1f", b - a }')s, kernel B's /init $(awk -v a="$te" -v b="$tb" 'BEGIN { printf "%.1f", b - a }')s after the exec; QEMU ran ${E2E_QEMU_SECS}s"
done
e2e_finish
