# ppc64le (POWER8 and later, little endian, ELFv2), cross-built on any Debian
# host with Debian's toolchain (gcc-powerpc64le-linux-gnu): make ARCH=ppc64le
# static -> build/ppc64le/kx-static, static, against musl. musl, libfdt and
# the decompressors for ppc64el come from Debian's ppc64el packages, unpacked
# (not installed) into build/ppc64le/sysroot by mk/ppc64le/sysroot.sh on the
# first build (docs/ppc64le.md).
CROSS     ?= powerpc64le-linux-gnu-
ifeq ($(origin CC),default)
CC        := $(CROSS)gcc
endif
B         ?= build/ppc64le
PPC_SYSROOT := $(B)/sysroot
STATIC_CC := $(CROSS)gcc -specs $(PPC_SYSROOT)/musl-gcc.specs
LD        := $(CROSS)ld
OBJCOPY   := $(CROSS)objcopy
AR        := $(CROSS)ar
# the purgatory runs in real mode: no floating point, vector or VSX state
# (MSR_FP/VEC/VSX may be off), TOC-relative addressing only (r2 is set by
# entry.S from where the blob lies), no string/multiple instructions
PURG_ARCH_CFLAGS := -mcpu=power8 -msoft-float -mno-altivec -mno-vsx -mno-string -mno-multiple \
                    -mcmodel=medium -fpie -mno-pointers-to-nested-functions
# -pie: the TOC is found from r12 in every global entry (ld would make it
# absolute in a static link)
PURG_LDLIBS      := -pie
STATIC_LDFLAGS   := -Wl,-z,norelro -Wl,-z,noseparate-code
ARCH_LDLIBS       = $(foreach l,$(UNPACK_LIBS),$(UNPACK_A_DIR)/lib$(l).a) $(PPC_SYSROOT)/libfdt.a
ARCH_LDLIBS_STATIC := $(PPC_SYSROOT)/libfdt.a
UNPACK_A_DIR     := $(PPC_SYSROOT)/root/usr/lib/powerpc64le-linux-gnu
UNPACK_H_DIR     := $(PPC_SYSROOT)/root/usr/include
ARCH_DEPS        := $(PPC_SYSROOT)/.done
# /proc/iomem's nested reserved ranges and the page-size rounding are
# arm64's code, shared as it is (lib/arch/arm64/memmap.c)
ARCH_LIB_SRC     := lib/arch/arm64/memmap.c

$(PPC_SYSROOT)/.done: mk/ppc64le/sysroot.sh mk/ppc64le/apt-ppc64el.sh mk/arm64/apt-arm64.sh
	mk/ppc64le/sysroot.sh $(PPC_SYSROOT)

# libfdt in lib/ (the shim for its C library headers, docs/arm64.md) and in
# libkx (the flattened /proc/device-tree)
$(B)/obj/lib/arch/ppc64le/dtb.c.o $(B)/objs/lib/arch/ppc64le/dtb.c.o \
$(B)/obj/lib/arch/ppc64le/crash.c.o $(B)/objs/lib/arch/ppc64le/crash.c.o: \
	LIB_CFLAGS += -Ilib/arch/arm64/shim -isystem $(PPC_SYSROOT)/fdt-include
$(B)/obj/libkx/arch/ppc64le/sysinfo.c.o $(B)/objs/libkx/arch/ppc64le/sysinfo.c.o \
$(B)/obj/libkx/arch/ppc64le/crash.c.o $(B)/objs/libkx/arch/ppc64le/crash.c.o: \
	CFLAGS_COMMON += -isystem $(PPC_SYSROOT)/fdt-include
ARCH_PC_LIBS     := -lfdt
