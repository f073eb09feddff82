# ---- 32-bit ARM, from any host (docs/arm.md) --------------------------------------
# unit-arm: lib/arch/arm (and the arm64 device tree code it shares) with the
# host's compiler and libfdt (tests/unit/arm), plain and under ASan/UBSan;
# fuzz-arm: libFuzzer on the zImage parser and loader; e2e-arm: qemu-system-arm
# boots through build/arm/kx-static; host-check-arm: the first two; check-arm: all three.
ARM_LIB      := $(wildcard lib/*.c) $(wildcard lib/arch/arm/*.c) lib/arch/arm64/dtb.c \
                lib/arch/arm64/memmap.c
ARM_UNIT_SRC := tests/unit/main.c tests/unit/arm/fixtures.c $(wildcard tests/unit/arm/test_*.c)
ARM_DEPS     := $(ARM_LIB) $(ARM_UNIT_SRC) $(wildcard include/kx/*.h lib/arch/arm/*.h \
                lib/arch/arm64/*.h tests/unit/*.h tests/unit/arm/*.h)
ARM_CFLAGS    = $(CSTD) -O1 -g $(WARN) $(WERROR) -Iinclude -Itests/unit -Ilib/arch/arm
$(B)/unit-arm: $(ARM_DEPS)
	@mkdir -p $(B)
	$(HOSTCC) $(ARM_CFLAGS) -o $@ $(ARM_UNIT_SRC) $(ARM_LIB) -lfdt
$(B)/unit-arm-san: $(ARM_DEPS)
	@mkdir -p $(B)
	$(HOSTCC) $(ARM_CFLAGS) $(SAN) -o $@ $(ARM_UNIT_SRC) $(ARM_LIB) -lfdt
unit-arm: $(B)/unit-arm $(B)/unit-arm-san
	$(B)/unit-arm
	$(B)/unit-arm-san
$(B)/fuzz/fuzz_arm: tests/unit/arm/fuzz_arm.c $(ARM_DEPS)
	@mkdir -p $(B)/fuzz
	$(FUZZCC) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  -Iinclude -Ilib/arch/arm -o $@ $< tests/unit/arm/fixtures.c $(ARM_LIB) -lfdt
$(B)/fuzz/seeds-arm: tests/unit/arm/seeds.c tests/unit/arm/fixtures.c $(ARM_DEPS)
	@mkdir -p $(B)/fuzz
	$(HOSTCC) $(ARM_CFLAGS) -o $(B)/fuzz/mkseeds-arm tests/unit/arm/seeds.c \
	  tests/unit/arm/fixtures.c $(ARM_LIB) -lfdt
	rm -rf $@ && mkdir -p $@ && $(B)/fuzz/mkseeds-arm $@
fuzz-arm: $(B)/fuzz/fuzz_arm $(B)/fuzz/seeds-arm
	@mkdir -p $(B)/fuzz/corpus/fuzz_arm
	$(B)/fuzz/fuzz_arm -max_total_time=$(FUZZ_TIME) -max_len=65536 -print_final_stats=1 \
	  -artifact_prefix=$(B)/fuzz/ $(B)/fuzz/corpus/fuzz_arm $(B)/fuzz/seeds-arm 2>&1 | \
	  grep -E 'stat::number_of_executed_units|cov:.*DONE|ERROR|SUMMARY'; test $${PIPESTATUS[0]} -eq 0
e2e-arm:
	$(MAKE) ARCH=arm static
	tests/e2e/arm/run.sh
host-check-arm:
	tests/e2e/arm/fetch.sh >/dev/null
	$(MAKE) unit-arm
	$(MAKE) fuzz-arm FUZZ_TIME=10
check-arm: host-check-arm
	$(MAKE) e2e-arm
.PHONY: unit-arm fuzz-arm e2e-arm host-check-arm check-arm
