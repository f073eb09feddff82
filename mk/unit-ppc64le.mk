# ---- ppc64le, from any host (docs/ppc64le.md) ---------------------------------------
# unit-ppc64le: lib/arch/ppc64le (the ELF vmlinux loader, the device tree
# editor, the purgatory's head in the plan) with the host's compiler and
# libfdt (tests/unit/ppc64le), plain and under ASan/UBSan, then the same
# tests cross-built for ppc64le (static, musl, the sysroot's libfdt) under
# qemu-ppc64le (qemu-user); Debian's vmlinux from the e2e cache when fetched
# (KX_PPC_VMLINUX). fuzz-ppc64le: libFuzzer on the loader and the tree editor
# (tests/fuzz/fuzz_ppc64le.c, its seeds made by itself; make fuzz-smoke runs it).
# host-check-ppc64le: the fixtures, then unit-ppc64le (make check; fuzz-smoke runs
# the fuzzer); check-ppc64le: that, fuzz-ppc64le, then e2e-ppc64le.
PPC_LIB      := $(wildcard lib/*.c) $(wildcard lib/arch/ppc64le/*.c)
PPC_UNIT_SRC := tests/unit/main.c tests/unit/ppc64le/fixtures.c $(wildcard tests/unit/ppc64le/test_*.c)
PPC_DEPS     := $(PPC_LIB) $(PPC_UNIT_SRC) $(wildcard include/kx/*.h lib/arch/ppc64le/*.h \
                tests/unit/*.h tests/unit/ppc64le/*.h)
PPC_CFLAGS    = $(CSTD) -O1 -g $(WARN) $(WERROR) -Iinclude -Itests/unit -Ilib/arch/ppc64le
PPC_VMLINUX  ?= $(firstword $(wildcard tests/e2e/cache/ppc64le/kernel-powerpc64le/boot/vmlinux-*))
$(B)/unit-ppc64le: $(PPC_DEPS)
	@mkdir -p $(B)
	$(HOSTCC) $(PPC_CFLAGS) -o $@ $(PPC_UNIT_SRC) $(PPC_LIB) -lfdt
$(B)/unit-ppc64le-san: $(PPC_DEPS)
	@mkdir -p $(B)
	$(HOSTCC) $(PPC_CFLAGS) $(SAN) -o $@ $(PPC_UNIT_SRC) $(PPC_LIB) -lfdt
# the cross-built copy: its sysroot is build/ppc64le's (make ARCH=ppc64le)
PPC_XSYSROOT := build/ppc64le/sysroot
ifneq ($(ARCH),ppc64le) # (mk/ppc64le.mk has this rule)
$(PPC_XSYSROOT)/.done: mk/ppc64le/sysroot.sh mk/ppc64le/apt-ppc64el.sh mk/arm64/apt-arm64.sh
	mk/ppc64le/sysroot.sh $(PPC_XSYSROOT)
endif
$(B)/unit-ppc64le-cross: $(PPC_DEPS) $(PPC_XSYSROOT)/.done
	@mkdir -p $(B)
	powerpc64le-linux-gnu-gcc -specs $(PPC_XSYSROOT)/musl-gcc.specs -static $(PPC_CFLAGS) \
	  -isystem $(PPC_XSYSROOT)/fdt-include -o $@ $(PPC_UNIT_SRC) $(PPC_LIB) $(PPC_XSYSROOT)/libfdt.a
unit-ppc64le: $(B)/unit-ppc64le $(B)/unit-ppc64le-san $(B)/unit-ppc64le-cross
	KX_PPC_VMLINUX=$(PPC_VMLINUX) $(B)/unit-ppc64le
	KX_PPC_VMLINUX=$(PPC_VMLINUX) $(B)/unit-ppc64le-san
	KX_PPC_VMLINUX=$(PPC_VMLINUX) qemu-ppc64le $(B)/unit-ppc64le-cross
$(B)/fuzz/fuzz_ppc64le: tests/fuzz/fuzz_ppc64le.c tests/unit/ppc64le/fixtures.c $(PPC_DEPS)
	@mkdir -p $(B)/fuzz
	$(FUZZCC) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  -Iinclude -Ilib/arch/ppc64le -Itests/unit/ppc64le -o $@ $< tests/unit/ppc64le/fixtures.c \
	  $(PPC_LIB) -lfdt
$(B)/fuzz/seeds-ppc64le: tests/fuzz/fuzz_ppc64le.c tests/unit/ppc64le/fixtures.c $(PPC_DEPS)
	@mkdir -p $(B)/fuzz
	$(HOSTCC) $(PPC_CFLAGS) -Itests/unit/ppc64le -DKX_FUZZ_SEEDS -o $(B)/fuzz/mkseeds-ppc64le tests/fuzz/fuzz_ppc64le.c \
	  tests/unit/ppc64le/fixtures.c $(PPC_LIB) -lfdt
	rm -rf $@ && mkdir -p $@ && $(B)/fuzz/mkseeds-ppc64le $@
fuzz-ppc64le: $(B)/fuzz/fuzz_ppc64le $(B)/fuzz/seeds-ppc64le
	@mkdir -p $(B)/fuzz/corpus/fuzz_ppc64le
	$(B)/fuzz/fuzz_ppc64le -max_total_time=$(FUZZ_TIME) -max_len=65536 -print_final_stats=1 \
	  -artifact_prefix=$(B)/fuzz/ $(B)/fuzz/corpus/fuzz_ppc64le $(B)/fuzz/seeds-ppc64le 2>&1 | \
	  grep -E 'stat::number_of_executed_units|cov:.*DONE|ERROR|SUMMARY'; test $${PIPESTATUS[0]} -eq 0
# unit-ppc64le runs in a make of its own: PPC_VMLINUX is read once fetched
host-check-ppc64le:
	tests/e2e/ppc64le/fetch.sh >/dev/null
	$(MAKE) unit-ppc64le
check-ppc64le: host-check-ppc64le
	$(MAKE) fuzz-ppc64le FUZZ_TIME=10
	$(MAKE) e2e-ppc64le
.PHONY: unit-ppc64le fuzz-ppc64le host-check-ppc64le check-ppc64le
