# arm64 (aarch64), cross-built on any Debian host with Debian's toolchain
# (gcc-aarch64-linux-gnu): make ARCH=arm64 static -> build/arm64/kx-static,
# static, against musl. musl and libfdt for arm64 come from Debian's arm64
# packages, unpacked (not installed) into build/arm64/sysroot by
# mk/arm64/sysroot.sh on the first build (docs/arm64.md).
CROSS     ?= aarch64-linux-gnu-
ifeq ($(origin CC),default)
CC        := $(CROSS)gcc
endif
B         ?= build/arm64
ARM64_SYSROOT := $(B)/sysroot
STATIC_CC := $(CROSS)gcc -specs $(ARM64_SYSROOT)/musl-gcc.specs
LD        := $(CROSS)ld
OBJCOPY   := $(CROSS)objcopy
# the purgatory: no FP/SIMD state, no outline atomics or branch protection
# (no run-time support), and aligned accesses only: with the MMU off every
# access is a Device access, which faults when unaligned
PURG_ARCH_CFLAGS := -mgeneral-regs-only -mstrict-align -fpie -mno-outline-atomics \
                    -mbranch-protection=none
# no RELRO: in a static binary it only pads the file to a 64 KiB boundary
STATIC_LDFLAGS   := -Wl,-z,norelro -Wl,-z,noseparate-code -Wl,-z,common-page-size=64
# libfdt, after the objects on every link
ARCH_LDLIBS       = $(foreach l,$(UNPACK_LIBS),$(UNPACK_A_DIR)/lib$(l).a) $(ARM64_SYSROOT)/libfdt.a
# kx-static: Debian's libfdt.a without its unwind tables (.eh_frame, 4 KB that
# nothing reads: C, no exceptions, no backtraces)
ARCH_LDLIBS_STATIC := $(B)/libfdt-noeh.a
$(B)/libfdt-noeh.a: $(ARM64_SYSROOT)/.done
	$(OBJCOPY) -R .eh_frame $(ARM64_SYSROOT)/libfdt.a $@
$(B)/kx-static: $(B)/libfdt-noeh.a
# the decompressors' static archives and headers, from Debian's arm64 -dev
# packages in the sysroot (Makefile's UNPACK_*)
UNPACK_A_DIR     := $(ARM64_SYSROOT)/root/usr/lib/aarch64-linux-gnu
UNPACK_H_DIR     := $(ARM64_SYSROOT)/root/usr/include
# every object waits for the sysroot (musl headers, libfdt.h)
ARCH_DEPS        := $(ARM64_SYSROOT)/.done

$(ARM64_SYSROOT)/.done: mk/arm64/sysroot.sh mk/arm64/apt-arm64.sh
	mk/arm64/sysroot.sh $(ARM64_SYSROOT)

# lib/arch/arm64/dtb.c uses libfdt: its three headers, and a shim for the
# C library headers they include (lib/ is built with -nostdinc)
$(B)/obj/lib/arch/arm64/dtb.c.o $(B)/objs/lib/arch/arm64/dtb.c.o: \
	LIB_CFLAGS += -Ilib/arch/arm64/shim -isystem $(ARM64_SYSROOT)/fdt-include
# the digest reads 8-byte aligned words (every range starts on a page):
# let it use plain 64-bit loads, not the byte loads -mstrict-align forces
$(B)/purgatory/arm64/lib/digest.c.o: \
	PURG_ARCH_CFLAGS := -mgeneral-regs-only -fpie -mno-outline-atomics -mbranch-protection=none
ARCH_PC_LIBS      = -lfdt $(addprefix -l,$(UNPACK_LIBS))
AR        := $(CROSS)ar
