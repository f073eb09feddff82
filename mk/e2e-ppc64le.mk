# ---- ppc64le end to end, from any host (docs/ppc64le.md) ----------------------------
# e2e-ppc64le: qemu-system-ppc64 -M pseries (TCG, SLOF, Debian's powerpc64le vmlinux)
# boots through build/ppc64le/kx-static: tests/e2e/ppc64le/t-*.sh (make check runs them in
# e2e-all's pool, tests/e2e/run-all.sh).
# e2e-ppc64le-peer: the same harness with Debian's ppc64el kexec-tools instead of kx
# (peer.sh: kexec -l/-e with 1 and 2 vCPUs; kdump-peer.sh: kexec -p, panic,
# /proc/vmcore, makedumpfile): proves the harness and the kernel, tests nothing of kx's,
# so not part of make check.
e2e-ppc64le:
	$(MAKE) ARCH=ppc64le static
	tests/e2e/ppc64le/run.sh
e2e-ppc64le-peer:
	tests/e2e/ppc64le/peer.sh
	tests/e2e/ppc64le/kdump-peer.sh
.PHONY: e2e-ppc64le e2e-ppc64le-peer
