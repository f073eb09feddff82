# 32-bit ARM (armhf: ARMv7-A, hard float), cross-built on any Debian host with
# Debian's toolchain (gcc-arm-linux-gnueabihf): make ARCH=arm static ->
# build/arm/kx-static, static, against musl. musl and libfdt for armhf come
# from Debian's armhf packages, unpacked (not installed) into
# build/arm/sysroot by mk/arm/sysroot.sh on the first build (docs/arm.md).
CROSS     ?= arm-linux-gnueabihf-
ifeq ($(origin CC),default)
CC        := $(CROSS)gcc
endif
B         ?= build/arm
ARM_SYSROOT := $(B)/sysroot
STATIC_CC := $(CROSS)gcc -specs $(ARM_SYSROOT)/musl-gcc.specs
LD        := $(CROSS)ld
OBJCOPY   := $(CROSS)objcopy
AR        := $(CROSS)ar
# the purgatory runs with the MMU off: every access is strongly ordered and
# faults when unaligned; ARM state throughout (the kernel enters it with bx)
PURG_ARCH_CFLAGS := -marm -mgeneral-regs-only -mno-unaligned-access -fpie
# 64-bit division (the decimal printer): libgcc's __aeabi_uldivmod
PURG_LDLIBS      := $(shell $(CC) -marm -print-libgcc-file-name)
STATIC_LDFLAGS   := -Wl,-z,norelro -Wl,-z,noseparate-code -Wl,-z,common-page-size=64
# libfdt after the objects on every link; the decompressors' static archives
# and headers (the Makefile's UNPACK_*, where the tree has them) from Debian's
# armhf -dev packages in the sysroot
ARCH_LDLIBS       = $(foreach l,$(UNPACK_LIBS),$(UNPACK_A_DIR)/lib$(l).a) $(ARM_SYSROOT)/libfdt.a
ARCH_LDLIBS_STATIC := $(ARM_SYSROOT)/libfdt.a
UNPACK_A_DIR     := $(ARM_SYSROOT)/root/usr/lib/arm-linux-gnueabihf
UNPACK_H_DIR     := $(ARM_SYSROOT)/root/usr/include
ARCH_DEPS        := $(ARM_SYSROOT)/.done
# the device tree editor and /proc/iomem's nested reserved ranges are arm64's
# code, shared as it is (lib/arch/arm64/dtb.c, memmap.c)
ARCH_LIB_SRC     := lib/arch/arm64/dtb.c lib/arch/arm64/memmap.c

$(ARM_SYSROOT)/.done: mk/arm/sysroot.sh mk/arm/apt-armhf.sh mk/arm64/apt-arm64.sh
	mk/arm/sysroot.sh $(ARM_SYSROOT)

$(B)/obj/lib/arch/arm64/dtb.c.o $(B)/objs/lib/arch/arm64/dtb.c.o: \
	LIB_CFLAGS += -Ilib/arch/arm64/shim -isystem $(ARM_SYSROOT)/fdt-include
ARCH_PC_LIBS     := -lfdt
