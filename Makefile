# kx - GNU make. Three worlds with their own rules:
#   lib/        pure C, no libc (compiler headers only), no I/O
#   purgatory/  freestanding blob per architecture, embedded in the library
#   libkx/      the library's system side (files, /proc, /sys, syscalls, messages);
#               with lib/ it is libkx (include/kx.h): build/libkx.a, build/libkx.so.1
#   tool/       the kx command, a thin client of libkx
# Targets: all (build/kx, the libraries, libkx.pc), static (build/kx-static),
#          check, unit, tool-test, e2e, demo, install, clean. ARCH defaults to the host's.

ARCH    ?= x86_64
VERSION := 0.2.0
SOVER   := 1
PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
DESTDIR ?=
# per-architecture compilers and flags (CC, STATIC_CC, LD, OBJCOPY,
# PURG_ARCH_CFLAGS, STATIC_LDFLAGS; BUILDDIR for cross builds)
include mk/$(ARCH).mk

B       ?= build
SHELL   := /bin/bash
# ---- decompressors (docs/compression.md): the codecs built in, each through its
# library (xz also unpacks legacy lzma). UNPACK_CODECS: libkx and the dynamic kx
# (shared libraries: all of them); STATIC_UNPACK: kx-static, where each library's
# code is in the binary (docs/compression.md has the sizes: gzip, xz and lzo fit,
# bzip2, lz4 and zstd as Debian builds them do not). A codec left out answers
# "built without that decompressor". mk/<arch>.mk says where the static archives
# (UNPACK_A_DIR) and headers (UNPACK_H_DIR) are. xz and lzma have no library:
# libkx/unpack.c compiles XZ Embedded and LzmaDec in, from Debian's sources
# (mk/codecs.sh --src into XZ_SRC; fetched once into the download cache), in every
# build (kx-static, the dynamic kx and libkx, unit tests, fuzzers).
UNPACK_ALL    := gzip bzip2 xz lz4 lzo zstd
UNPACK_CODECS ?= $(UNPACK_ALL)
STATIC_UNPACK ?= gzip xz lzo lz4
unpack_lib     = $(patsubst gzip,z,$(patsubst bzip2,bz2,$(patsubst lzo,lzo2,$(filter-out xz,$(1)))))
unpack_defs    = $(foreach c,$(filter-out $(1),$(UNPACK_ALL)),-DKX_NO_$(shell echo $(c) | tr a-z A-Z))
UNPACK_LIBS   := $(foreach c,$(UNPACK_CODECS),$(call unpack_lib,$(c)))
# STATIC_CODECS=source (the default): gzip, lzo and lz4 as decoder-only static
# libraries built from Debian's source packages (mk/codecs.sh, into CODEC_DIR; the
# sources are fetched once into the download cache); =debian: Debian's archives,
# encoders and all (about 50 KB more; lz4's 130 KB more). bzip2 and zstd always come from Debian's.
STATIC_CODECS ?= source
CODEC_DIR     ?= $(B)/codecs
CODEC_SRC_LIBS := z lzo2 lz4
XZ_SRC        ?= $(B)/xz-src
codec_a        = $(if $(and $(filter source,$(STATIC_CODECS)),$(filter $(1),$(CODEC_SRC_LIBS))),$(CODEC_DIR),$(UNPACK_A_DIR))/lib$(1).a
UNPACK_STATIC  = $(foreach c,$(filter-out xz,$(STATIC_UNPACK)),$(call codec_a,$(call unpack_lib,$(c))))
CODEC_DONE     = $(if $(filter source,$(STATIC_CODECS)),$(CODEC_DIR)/.done)
# libbz2.a calls __fprintf_chk (its assertion message): a shim where the C library has none
UNPACK_COMPAT  = $(if $(filter bzip2,$(STATIC_UNPACK)),$(B)/objs/mk/musl-compat.c.o)
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Werror=implicit-function-declaration -Werror=incompatible-pointer-types \
           -Werror=int-conversion -Werror=return-type -Werror=vla
CSTD    := -std=c11
OPT     ?= -O2
# kx-static's objects and link (docs/benchmarks.md, sizes)
STATIC_OPT ?= -Os
WERROR  ?= -Werror
CFLAGS_COMMON = $(CSTD) $(OPT) $(WARN) $(WERROR) -Iinclude -isystem $(XZ_SRC) -MMD -MP

GCCINC  := $(shell $(CC) -print-file-name=include)
# lib/: no libc headers at all, so nothing of the hosted world can creep in
LIB_CFLAGS = $(CFLAGS_COMMON) -ffreestanding -nostdinc -isystem $(GCCINC)

LIB_SRC  := $(wildcard lib/*.c) $(wildcard lib/boot/*.c) $(wildcard lib/arch/$(ARCH)/*.c) $(ARCH_LIB_SRC)
KX_SRC   := $(wildcard libkx/*.c) $(wildcard libkx/arch/$(ARCH)/*.c)
KX_ASM   := libkx/blob.S
TOOL_SRC := $(wildcard tool/*.c)

# ---- purgatory ------------------------------------------------------------
P        := $(B)/purgatory/$(ARCH)
PURG_SRC := purgatory/main.c purgatory/string.c lib/digest.c \
            $(wildcard purgatory/arch/$(ARCH)/*.c)
PURG_ASM := $(wildcard purgatory/arch/$(ARCH)/*.S)
PURG_LDS := purgatory/arch/$(ARCH)/purgatory.lds
PURG_CFLAGS = $(CSTD) -Os $(WARN) $(WERROR) -Iinclude -MMD -MP -ffreestanding -nostdinc \
           -isystem $(GCCINC) -fvisibility=hidden -fno-stack-protector \
           -fno-asynchronous-unwind-tables -fno-unwind-tables $(PURG_ARCH_CFLAGS) \
           -fno-builtin-memcpy \
           -fno-sanitize=all -fno-profile-arcs -fno-test-coverage
PURG_OBJ := $(patsubst %,$(P)/%.o,$(PURG_SRC) $(PURG_ASM))
PURG_BIN := $(P)/purgatory.bin

$(P)/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(PURG_CFLAGS) -c $< -o $@
$(P)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(PURG_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

# Linked at two bases: identical bytes prove the blob is position independent.
$(PURG_BIN): $(PURG_OBJ) $(PURG_LDS)
	$(LD) -nostdlib -static --no-dynamic-linker --build-id=none -z noexecstack \
	  -z max-page-size=16 -T $(PURG_LDS) --defsym KX_BASE=0 -o $(P)/purgatory.elf $(PURG_OBJ) $(PURG_LDLIBS)
	$(LD) -nostdlib -static --no-dynamic-linker --build-id=none -z noexecstack \
	  -z max-page-size=16 -T $(PURG_LDS) --defsym KX_BASE=0x1230000 -o $(P)/purgatory-hi.elf $(PURG_OBJ) $(PURG_LDLIBS)
	$(OBJCOPY) -O binary $(P)/purgatory.elf $@.tmp
	$(OBJCOPY) -O binary $(P)/purgatory-hi.elf $(P)/purgatory-hi.bin
	@cmp -s $@.tmp $(P)/purgatory-hi.bin || { echo "purgatory is not position independent" >&2; exit 1; }
	@mv $@.tmp $@
	@echo "purgatory ($(ARCH)): $$(stat -c %s $@) bytes"

purgatory: $(PURG_BIN)

# ---- lib + libkx + tool, one object tree per compiler -----------------------------
# The library's objects are position independent (they go into libkx.so too)
# and hide every symbol but the API include/kx.h marks KX_API.
define variant # $(1)=dir $(2)=compiler $(3)=extra cflags $(4)=the library's extra cflags
$(1)/lib/%.c.o: lib/%.c
	@mkdir -p $$(dir $$@)
	$(2) $$(LIB_CFLAGS) $(3) $(4) -c $$< -o $$@
$(1)/libkx/%.c.o: libkx/%.c
	@mkdir -p $$(dir $$@)
	$(2) $$(CFLAGS_COMMON) $(3) $(4) -Ilibkx -D_GNU_SOURCE \
	  -DKX_VERSION='"$(VERSION)"' -c $$< -o $$@
$(1)/libkx/%.S.o: libkx/%.S $(PURG_BIN)
	@mkdir -p $$(dir $$@)
	$(2) $(3) $(4) -DPURGATORY_BIN='"$(PURG_BIN)"' -c $$< -o $$@
$(1)/tool/%.c.o: tool/%.c
	@mkdir -p $$(dir $$@)
	$(2) $$(CFLAGS_COMMON) $(3) -D_GNU_SOURCE -c $$< -o $$@
endef

KX_OBJ   := $(patsubst %,$(B)/obj/%.o,$(LIB_SRC) $(KX_SRC) $(KX_ASM))
TOOL_OBJ := $(patsubst %,$(B)/obj/%.o,$(TOOL_SRC))
# STATIC_BOOT=no: kx-static without `kx boot` (tool/boot.c, tool/menu.c; the
# library's boot-menu code then goes with --gc-sections), about 74 KB less
STATIC_BOOT ?= yes
STATIC_TOOL_SRC := $(if $(filter no,$(STATIC_BOOT)),$(filter-out tool/boot.c tool/menu.c,$(TOOL_SRC)),$(TOOL_SRC))
OBJ_STAT := $(patsubst %,$(B)/objs/%.o,$(LIB_SRC) $(KX_SRC) $(KX_ASM) $(STATIC_TOOL_SRC))

# the decompression layer: the codecs built in, the libraries' headers (links
# to each library's headers only, so that musl's own headers stay the C library's)
UNPACK_INC   := $(B)/unpack-include
UNPACK_HDRS  := zlib.h zconf.h bzlib.h lz4.h lz4frame.h lzo zstd.h zstd_errors.h
$(UNPACK_INC)/.done: $(filter %/.done,$(ARCH_DEPS))
	rm -rf $(UNPACK_INC) && mkdir -p $(UNPACK_INC)
	for h in $(UNPACK_HDRS); do test -e $(UNPACK_H_DIR)/$$h || \
	  { echo "$(UNPACK_H_DIR)/$$h missing: run make deps" >&2; exit 1; }; \
	  ln -s $(abspath $(UNPACK_H_DIR))/$$h $(UNPACK_INC)/$$h; done
	touch $@
ARCH_DEPS += $(UNPACK_INC)/.done
# the xz and lzma decoders' sources (libkx/unpack.c includes them)
$(XZ_SRC)/.done: mk/codecs.sh
	mk/codecs.sh --src $(XZ_SRC)
ARCH_DEPS += $(XZ_SRC)/.done
# what every object waits for, and libraries for every link (mk/<arch>.mk; arm64: its sysroot, libfdt)
$(KX_OBJ) $(TOOL_OBJ) $(OBJ_STAT) $(B)/objs/mk/musl-compat.c.o $(B)/objs/mk/musl-vfprintf.c.o: | $(ARCH_DEPS)
$(B)/obj/libkx/unpack.c.o $(B)/unpack-test: CFLAGS_COMMON += $(call unpack_defs,$(UNPACK_CODECS))
$(B)/objs/libkx/unpack.c.o: CFLAGS_COMMON += $(call unpack_defs,$(STATIC_UNPACK)) -isystem $(UNPACK_INC)
$(B)/objs/tool/main.c.o: CFLAGS_COMMON += $(if $(filter no,$(STATIC_BOOT)),-DKX_NO_BOOT)
$(eval $(call variant,$(B)/obj,$(CC),,-fPIC -fvisibility=hidden))
$(eval $(call variant,$(B)/objs,$(STATIC_CC),$(STATIC_OPT) -flto -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables,-fvisibility=hidden))

# libkx.a holds one relocatable object whose only global symbols are the
# API: the library's internal names cannot clash with its user's.
$(B)/libkx.a: $(KX_OBJ)
	$(LD) -r -o $(B)/libkx.o $^
	$(OBJCOPY) --localize-hidden $(LOCALIZE_FLAGS) $(B)/libkx.o
	rm -f $@ && $(AR) rcs $@ $(B)/libkx.o
$(B)/libkx.so.$(SOVER): $(KX_OBJ) libkx/libkx.map
	$(CC) -shared -Wl,-soname,libkx.so.$(SOVER) -Wl,--version-script=libkx/libkx.map \
	  -Wl,-z,noexecstack -o $@ $(KX_OBJ) $(ARCH_LDLIBS)
	ln -sf libkx.so.$(SOVER) $(B)/libkx.so
PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@VERSION@|$(VERSION)|; s|@LIBS_PRIVATE@|$(ARCH_PC_LIBS)|'
$(B)/libkx.pc: libkx/libkx.pc.in Makefile
	$(PC_SED) $< >$@
libkx: $(B)/libkx.a $(B)/libkx.so.$(SOVER) $(B)/libkx.pc

# No file-level mutable state in lib/ or libkx/: no object of theirs may have a
# symbol in a writable section (.data, .bss; the constant tables that -fPIC puts
# in .data.rel.ro are read-only after relocation).
state-check: $(KX_OBJ)
	@bad=$$(for o in $(KX_OBJ); do objdump -t $$o | awk -v o=$$o '$$4 ~ /^\.(data|bss|tdata|tbss)($$|\.)/ && \
	  $$4 !~ /^\.data\.rel\.ro/ && $$2 != "d" && $$3 != "d" { print o ": " $$NF }'; done); \
	if [ -n "$$bad" ]; then echo "mutable static state in the library:" >&2; echo "$$bad" >&2; exit 1; fi; \
	echo "state-check: no mutable static state in $(words $(KX_OBJ)) library objects"

all: $(B)/kx libkx
$(B)/kx: $(TOOL_OBJ) $(B)/libkx.a
	$(CC) -o $@ $(TOOL_OBJ) $(B)/libkx.a $(ARCH_LDLIBS)
static: $(B)/kx-static
# kx-static with every decompressor (the e2e test t-compressed boots through it)
static-full:
	$(MAKE) B=$(B)/full STATIC_UNPACK="$(UNPACK_ALL)" CODEC_DIR=$(CODEC_DIR) $(B)/full/kx-static
$(B)/objs/mk/musl-compat.c.o: mk/musl-compat.c
	@mkdir -p $(dir $@)
	$(STATIC_CC) $(CFLAGS_COMMON) -Os -D_GNU_SOURCE -c $< -o $@
# kx-static's vfprintf, in place of musl's (mk/musl-vfprintf.c: no floating point;
# tests/tool/test_fmt.c, make tool-test): about 9 KB less
$(B)/objs/mk/musl-vfprintf.c.o: mk/musl-vfprintf.c
	@mkdir -p $(dir $@)
	$(STATIC_CC) $(CFLAGS_COMMON) $(STATIC_OPT) -fno-builtin -ffunction-sections -fno-asynchronous-unwind-tables \
	  -fno-unwind-tables -c $< -o $@
$(CODEC_DIR)/.done: mk/codecs.sh | $(ARCH_DEPS)
	mk/codecs.sh $(CODEC_DIR) $(ARCH) "$(STATIC_CC)" "$(AR)" "$(STATIC_OPT)"
$(B)/kx-static: $(OBJ_STAT) $(UNPACK_COMPAT) $(B)/objs/mk/musl-vfprintf.c.o $(CODEC_DONE)
	$(STATIC_CC) -static -s $(STATIC_OPT) -flto -flto-partition=one -Wl,--gc-sections $(STATIC_LDFLAGS) -o $@ $(filter %.o,$^) \
	  $(UNPACK_STATIC) $(ARCH_LDLIBS_STATIC)
	@echo "kx-static: $$(stat -c %s $@) bytes (stripped)"

# ---- examples: a user-supplied purgatory (docs/purgatory.md) ----------------------
EXAMPLES := $(B)/examples/minimal-purgatory.bin $(B)/examples/raw-hello.bin
$(B)/examples/minimal-purgatory.bin: examples/purgatory/minimal.S include/kx/purgatory.h
	@mkdir -p $(dir $@)
	$(CC) -Iinclude -D__ASSEMBLER__ -c $< -o $(B)/examples/minimal.o
	$(OBJCOPY) -O binary -j .text $(B)/examples/minimal.o $@
$(B)/examples/raw-hello.bin: examples/raw/hello.S
	@mkdir -p $(dir $@)
	$(CC) -c $< -o $(B)/examples/raw-hello.o
	$(OBJCOPY) -O binary -j .text $(B)/examples/raw-hello.o $@
examples: $(EXAMPLES)

# tiny multiboot 1/2 test kernels that print what they received (tests/kernels)
kernels:
	$(MAKE) -f tests/kernels/Makefile

# ---- tests --------------------------------------------------------------------
UNIT_SRC := $(wildcard tests/unit/*.c) libkx/render_lib.c libkx/arch/$(ARCH)/render.c libkx/unpack.c
UNIT_DEPS := $(UNIT_SRC) $(LIB_SRC) $(wildcard include/kx/*.h tests/unit/*.h) $(XZ_SRC)/.done
UNIT_CFLAGS = $(CSTD) -O1 -g $(WARN) $(WERROR) -Iinclude -Itests/unit -Itests/boot -Ilibkx -isystem $(XZ_SRC)
# the decompression layer (libkx/unpack.c) runs in the unit tests with every codec
UNIT_LIBS   = $(addprefix -l,$(call unpack_lib,$(UNPACK_ALL)))
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# one binary per compiler, so make unit CC=clang really builds with clang
$(B)/unit-%: $(UNIT_DEPS)
	@mkdir -p $(B)
	$(CC) $(UNIT_CFLAGS) -o $@ $(UNIT_SRC) $(LIB_SRC) $(UNIT_LIBS)
$(B)/unit-san-%: $(UNIT_DEPS)
	@mkdir -p $(B)
	$(CC) $(UNIT_CFLAGS) $(SAN) -o $@ $(UNIT_SRC) $(LIB_SRC) $(UNIT_LIBS)

CCNAME  := $(notdir $(firstword $(CC)))
unit: $(B)/unit-$(CCNAME)
	$(B)/unit-$(CCNAME)
# the unit tests again under AddressSanitizer and UndefinedBehaviorSanitizer
unit-san: $(B)/unit-san-$(CCNAME)
	$(B)/unit-san-$(CCNAME)
# the command line's rules (tool/opts.c: kexec-tools' action state), on the host:
# only the parser runs, nothing is loaded
$(B)/tool-test: tests/tool/test_opts.c tool/opts.c tool/compat.c tool/opts.h $(B)/libkx.a
	$(CC) $(CSTD) -O1 -g $(WARN) $(WERROR) -D_GNU_SOURCE -Iinclude -Itool -o $@ \
	  tests/tool/test_opts.c tool/opts.c tool/compat.c $(B)/libkx.a $(ARCH_LDLIBS)
$(B)/fmt-test: tests/tool/test_fmt.c mk/musl-vfprintf.c
	@mkdir -p $(B)
	$(CC) $(CSTD) -O1 -g $(WARN) $(WERROR) -DKX_FMT_NAME=kx_vfprintf $(SAN) -o $@ $^
tool-test: $(B)/tool-test $(B)/fmt-test
	$(B)/tool-test 2>/dev/null
	$(B)/fmt-test
# kx boot's menu (tool/menu.c) on a pty and on pipes, keys typed with real delays,
# the screen checked against an 80x24 VT100 (about 10 s: the countdowns are real)
$(B)/menu-test: tests/tool/test_menu.c tool/menu.c tool/menu.h
	@mkdir -p $(B)
	$(CC) $(CSTD) -O1 -g $(WARN) $(WERROR) -D_GNU_SOURCE -Itool $(SAN) -o $@ \
	  tests/tool/test_menu.c tool/menu.c
menu-test: $(B)/menu-test
	$(B)/menu-test
include mk/libtest.mk

# libFuzzer harnesses (clang + libclang-rt-14-dev): one per parser.
# (fuzz_ppc64le: its own rules and seeds, mk/unit-ppc64le.mk)
FUZZ_SRC  := $(filter-out tests/fuzz/fuzz_ppc64le.c,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN  := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRC))
FUZZ_TIME ?= 60
FUZZCC    ?= clang
# fuzz_unpack also runs the decompression layer (libkx/unpack.c) with every codec
$(B)/fuzz/fuzz_unpack: FUZZ_EXTRA = -Ilibkx -isystem $(XZ_SRC) libkx/unpack.c $(UNIT_LIBS)
$(B)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(LIB_SRC) $(wildcard include/kx/*.h) libkx/unpack.c $(XZ_SRC)/.done
	@mkdir -p $(B)/fuzz
	$(FUZZCC) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  -Iinclude -Itests/boot -o $@ $< $(LIB_SRC) $(FUZZ_EXTRA)
$(B)/fuzz/seeds: tests/fuzz/seeds.sh $(wildcard tests/fuzz/corpus/*/*)
	rm -rf $@ && tests/fuzz/seeds.sh $@
# each harness FUZZ_TIME seconds; new inputs kept in build/fuzz/corpus/NAME
fuzz: $(FUZZ_BIN) kernels $(B)/fuzz/seeds
	@pass=0; fail=0; for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p $(B)/fuzz/corpus/$$n; \
	  echo "fuzz: $$n for $(FUZZ_TIME)s"; \
	  $$f -max_total_time=$(FUZZ_TIME) -max_len=65536 -print_final_stats=1 -artifact_prefix=$(B)/fuzz/ \
	    $(B)/fuzz/corpus/$$n $(B)/fuzz/seeds/$$n 2>&1 | grep -E 'stat::number_of_executed_units|DONE.*cov:|ERROR|SUMMARY' ; \
	  if [ $${PIPESTATUS[0]} -eq 0 ]; then pass=$$((pass + 1)); else fail=$$((fail + 1)); echo "FAIL fuzz $$n"; fi; \
	  done; echo "$$pass passed, $$fail failed, 0 skipped"; test $$fail -eq 0
# the same code with clang: -Wall -Wextra -Werror build, unit tests plain and sanitized
clang-check:
	$(MAKE) B=$(B)/clang CC=clang all
	$(MAKE) CC=clang unit unit-san

# a short run of every harness, part of make check
fuzz-smoke:
	$(MAKE) fuzz FUZZ_TIME=10
	$(MAKE) fuzz-ppc64le FUZZ_TIME=10

e2e: static static-full examples kernels
	tests/e2e/run.sh

deps:
	tests/deps.sh

# Everything: installs what it needs, unit tests, then QEMU end-to-end tests.
# KX_REQUIRE_ALL=1 once the fixtures are there: a skipped unit case or e2e test fails.
check: deps
	$(MAKE) -s all static static-full examples kernels embed
	tests/e2e/fetch.sh >/dev/null && tests/e2e/mkuki.sh --stub >/dev/null
	KX_REQUIRE_ALL=1 $(MAKE) -s unit unit-san tool-test menu-test bootfs-test fuzz-smoke abi-check state-check
	KX_REQUIRE_ALL=1 $(MAKE) -s lib-test lib-test-san lib-test-tsan
	KX_REQUIRE_ALL=1 $(MAKE) -s clang-check
	KX_REQUIRE_ALL=1 $(MAKE) -s host-check-i386 host-check-arm64 host-check-arm host-check-ppc64le
	KX_REQUIRE_ALL=1 $(MAKE) -s e2e-all

# every architecture's QEMU tests in one pool, two guests at a time
# (tests/e2e/run-all.sh, pool.sh): about half the time of one after the other
e2e-all: static static-full examples kernels embed
	$(MAKE) ARCH=i386 static
	$(MAKE) ARCH=arm64 static
	$(MAKE) ARCH=arm static
	$(MAKE) ARCH=ppc64le static
	$(MAKE) -f tests/kernels/Makefile arm
	tests/e2e/run-all.sh
.PHONY: e2e-all

demo: deps
	$(MAKE) static
	tests/e2e/demo.sh

install: $(B)/kx libkx
	install -D -m 0755 $(B)/kx $(DESTDIR)$(PREFIX)/sbin/kx
	install -D -m 0644 docs/kx.8 $(DESTDIR)$(PREFIX)/share/man/man8/kx.8
	install -D -m 0644 docs/libkx.3 $(DESTDIR)$(PREFIX)/share/man/man3/libkx.3
	install -D -m 0644 include/kx.h $(DESTDIR)$(PREFIX)/include/kx.h
	install -D -m 0644 include/kx/err.h $(DESTDIR)$(PREFIX)/include/kx/err.h
	install -D -m 0644 include/kx/entry.h $(DESTDIR)$(PREFIX)/include/kx/entry.h
	install -D -m 0644 $(B)/libkx.a $(DESTDIR)$(LIBDIR)/libkx.a
	install -D -m 0755 $(B)/libkx.so.$(SOVER) $(DESTDIR)$(LIBDIR)/libkx.so.$(SOVER)
	ln -sf libkx.so.$(SOVER) $(DESTDIR)$(LIBDIR)/libkx.so
	@mkdir -p $(DESTDIR)$(LIBDIR)/pkgconfig
	$(PC_SED) \
	  libkx/libkx.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/libkx.pc

clean:
	rm -rf $(B)

# ---- benchmark (docs/benchmarks.md): kx vs Debian's kexec-tools in QEMU TCG guests,
# the purgatory's digest speed, sizes; results in bench/results/. BENCH_ROUNDS=3.
# BENCH_ARCHES=x86_64 (default), any of x86_64 arm i386 ppc64le arm64, or all: the other
# row sets compare build/arm, build/i386, build/ppc64le and build/arm64's kx-static with
# Debian's armhf, i386, ppc64el and arm64 kexec-tools.
BENCH_ARCHES ?= x86_64
bench: deps all static
	$(foreach a,$(filter arm i386 ppc64le arm64,$(if $(filter all,$(BENCH_ARCHES)),arm i386 ppc64le arm64,$(BENCH_ARCHES))),$(MAKE) ARCH=$(a) static &&) true
	BENCH_CC="$(CC)" STATIC_CC="$(STATIC_CC)" BENCH_STATIC_UNPACK="$(STATIC_UNPACK)" BENCH_PURG_CFLAGS="$(PURG_CFLAGS)" KX_DYN=$(B)/kx \
	  KX_BIN=$(B)/kx-static PURG_BIN=$(PURG_BIN) BENCH_BUILD=$(B)/bench BENCH_ARCHES="$(BENCH_ARCHES)" \
	  bench/bench.sh
.PHONY: bench

# ---- arm64, from any host (docs/arm64.md) ------------------------------------------
# unit-arm64: lib/arch/arm64 and the purgatory's device tree reader with the host's
# compiler, libfdt and zlib (tests/unit/arm64), plain and under ASan/UBSan;
# fuzz-arm64: libFuzzer on its parsers; e2e-arm64: qemu-system-aarch64 boots through
# build/arm64/kx-static; host-check-arm64: the first two;
# check-arm64: all three (make check runs host-check-arm64, and e2e-all the QEMU tests).
HOSTCC       ?= cc
A64_LIB      := $(wildcard lib/*.c) $(wildcard lib/arch/arm64/*.c) purgatory/arch/arm64/fdt.c
A64_UNIT_SRC := tests/unit/main.c tests/unit/arm64/fixtures.c $(wildcard tests/unit/arm64/test_*.c) \
                tests/unit/test_render.c libkx/render_lib.c libkx/arch/arm64/render.c
A64_DEPS     := $(A64_LIB) $(A64_UNIT_SRC) $(wildcard include/kx/*.h lib/arch/arm64/*.h \
                purgatory/arch/arm64/*.h tests/unit/*.h tests/unit/arm64/*.h)
A64_CFLAGS    = $(CSTD) -O1 -g $(WARN) $(WERROR) -DKX_UNIT_ARM64 -Iinclude -Itests/unit -Ilibkx -Ilib/arch/arm64 \
                -Ipurgatory/arch/arm64
$(B)/unit-arm64: $(A64_DEPS)
	@mkdir -p $(B)
	$(HOSTCC) $(A64_CFLAGS) -o $@ $(A64_UNIT_SRC) $(A64_LIB) -lfdt -lz
$(B)/unit-arm64-san: $(A64_DEPS)
	@mkdir -p $(B)
	$(HOSTCC) $(A64_CFLAGS) $(SAN) -o $@ $(A64_UNIT_SRC) $(A64_LIB) -lfdt -lz
unit-arm64: $(B)/unit-arm64 $(B)/unit-arm64-san
	$(B)/unit-arm64
	$(B)/unit-arm64-san
$(B)/fuzz/fuzz_arm64: tests/unit/arm64/fuzz_arm64.c $(A64_DEPS)
	@mkdir -p $(B)/fuzz
	$(FUZZCC) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  -Iinclude -Ilib/arch/arm64 -Ipurgatory/arch/arm64 -o $@ $< $(A64_LIB) -lfdt
$(B)/fuzz/seeds-arm64: tests/unit/arm64/seeds.c tests/unit/arm64/fixtures.c $(A64_DEPS)
	@mkdir -p $(B)/fuzz
	$(HOSTCC) $(A64_CFLAGS) -o $(B)/fuzz/mkseeds-arm64 tests/unit/arm64/seeds.c \
	  tests/unit/arm64/fixtures.c $(A64_LIB) -lfdt -lz
	rm -rf $@ && mkdir -p $@ && $(B)/fuzz/mkseeds-arm64 $@
fuzz-arm64: $(B)/fuzz/fuzz_arm64 $(B)/fuzz/seeds-arm64
	@mkdir -p $(B)/fuzz/corpus/fuzz_arm64
	$(B)/fuzz/fuzz_arm64 -max_total_time=$(FUZZ_TIME) -max_len=65536 -print_final_stats=1 \
	  -artifact_prefix=$(B)/fuzz/ $(B)/fuzz/corpus/fuzz_arm64 $(B)/fuzz/seeds-arm64 2>&1 | \
	  grep -E 'stat::number_of_executed_units|cov:.*DONE|ERROR|SUMMARY'; test $${PIPESTATUS[0]} -eq 0
e2e-arm64:
	$(MAKE) ARCH=arm64 static
	tests/e2e/arm64/run.sh
host-check-arm64:
	$(MAKE) unit-arm64
	$(MAKE) fuzz-arm64 FUZZ_TIME=10
check-arm64: host-check-arm64
	$(MAKE) e2e-arm64
.PHONY: unit-arm64 fuzz-arm64 e2e-arm64 host-check-arm64 check-arm64
include mk/unit-arm.mk mk/unit-ppc64le.mk

.PHONY: all libkx state-check static static-full purgatory examples kernels unit unit-san tool-test menu-test clang-check fuzz fuzz-smoke e2e deps check demo install clean
# examples/embed (make embed) and the libkx ABI baseline (make abi-dump, abi-check)
include mk/embed.mk mk/abi.mk
.DEFAULT_GOAL := all
-include $(shell find $(B) -name '*.d' 2>/dev/null)
# i386 from an x86_64 host: unit-i386, e2e-i386, check-i386 (docs/i386.md)
include mk/check-i386.mk
# ppc64le's QEMU tests: e2e-ppc64le, e2e-ppc64le-peer
include mk/e2e-ppc64le.mk
