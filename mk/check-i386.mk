# i386, on an x86_64 host (docs/i386.md), from the Makefile of any ARCH.
# unit-i386: the unit suite cross-built (i686-linux-gnu-gcc) against the i386
# lib/ (with tests/unit/test_i386.c), linked statically against musl for i386
# (mk/i386.mk), run natively; e2e-i386: qemu-system-i386 boots through
# build/i386/kx-static (tests/e2e/i386; t-multiboot boots tests/kernels' multiboot 1
# kernel); host-check-i386: what runs without QEMU; check-i386: both (make
# check runs host-check-i386, and e2e-all every architecture's QEMU tests). unit-i386 builds the i386
# purgatory first: plan_purgatory_real_blob reads it (a skip, which
# KX_REQUIRE_ALL=1 fails, on a fresh tree).
unit-i386:
	$(MAKE) ARCH=i386 purgatory
	$(MAKE) ARCH=i386 unit
e2e-i386: kernels
	$(MAKE) ARCH=i386 static
	tests/e2e/i386/run.sh
host-check-i386:
	tests/e2e/i386/fetch.sh >/dev/null
	$(MAKE) kernels
	$(MAKE) unit-i386
check-i386: host-check-i386
	$(MAKE) e2e-i386
.PHONY: unit-i386 e2e-i386 host-check-i386 check-i386
