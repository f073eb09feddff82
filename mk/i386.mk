# i386 (32-bit x86), cross-built on an x86_64 Debian host with Debian's cross
# toolchain (gcc-i686-linux-gnu, libc6-dev-i386-cross; not gcc-multilib, which
# conflicts with the other cross compilers): make ARCH=i386 static ->
# build/i386/kx-static, static, against musl for i386 from Debian's i386
# musl-dev package, unpacked (not installed) into build/i386/sysroot by
# mk/i386/sysroot.sh on the first build (docs/i386.md). The dynamic build
# (make ARCH=i386 all: build/i386/kx, libkx.a, libkx.so.1) is against the
# cross toolchain's glibc. The x86 code is shared with x86_64: lib/arch/i386,
# libkx/arch/i386 and purgatory/arch/i386 compile the x86_64 files they share.
I386_CROSS ?= i686-linux-gnu-
ifeq ($(origin CC),default)
CC        := $(I386_CROSS)gcc
endif
B         ?= build/i386
I386_SYSROOT := $(B)/sysroot
STATIC_CC := $(I386_CROSS)gcc -specs $(I386_SYSROOT)/musl-gcc.specs
LD        := $(I386_CROSS)ld
OBJCOPY   := $(I386_CROSS)objcopy
AR        := $(I386_CROSS)ar
# the purgatory: no x87/SSE state, position independent (GOT-relative
# addressing; the build links it at two bases and compares the bytes)
PURG_ARCH_CFLAGS := -mgeneral-regs-only -fpie -fcf-protection=none -march=i686
# 64-bit division in the purgatory's decimal printer: libgcc's helpers
# (plain code, no data), linked after the objects
PURG_LDLIBS      := $(shell $(I386_CROSS)gcc -print-libgcc-file-name)
STATIC_LDFLAGS   := -Wl,-z,noseparate-code -Wl,-z,norelro -Wl,-z,common-page-size=64
# the decompressors (the Makefile's UNPACK_*): Debian's i386 static archives
# and headers, unpacked into the sysroot
ARCH_LDLIBS       = $(foreach l,$(UNPACK_LIBS),$(UNPACK_A_DIR)/lib$(l).a)
ARCH_LDLIBS_STATIC :=
UNPACK_A_DIR     := $(I386_SYSROOT)/root/usr/lib/i386-linux-gnu
UNPACK_H_DIR     := $(I386_SYSROOT)/root/usr/include
ARCH_DEPS        := $(I386_SYSROOT)/.done
ARCH_PC_LIBS     :=
# libkx.a: the PIC thunks (__x86.get_pc_thunk.*) sit in COMDAT groups, which
# a final link would discard as duplicates of libc's once --localize-hidden
# made our copies local; without the groups they stay ours
LOCALIZE_FLAGS   := -R .group

$(I386_SYSROOT)/.done: mk/i386/sysroot.sh mk/i386/apt-i386.sh
	mk/i386/sysroot.sh $(I386_SYSROOT)

# make ARCH=i386 unit runs on the x86_64 host, which need not have an i386
# dynamic loader: the unit binary is linked statically against the musl
# sysroot, like kx-static. make ARCH=i386 unit-san (ASan cannot be linked
# statically) is dynamic against the cross toolchain's glibc, with the
# sanitizer run-times linked in: it needs /lib/ld-linux.so.2 and /lib32
# (libc6-i386, lib32gcc-s1: tests/deps.sh's libclang-rt-14-dev brings them).
I386_CCNAME := $(notdir $(firstword $(CC)))
$(B)/unit-$(I386_CCNAME): CC := $(STATIC_CC) -static
$(B)/unit-$(I386_CCNAME): | $(I386_SYSROOT)/.done
$(B)/unit-san-$(I386_CCNAME): SAN += -static-libasan -static-libubsan
# the unit binary's decompressors: the sysroot's i386 archives and headers
# (the static one also needs mk/musl-compat.c for Debian's glibc-built libbz2)
I386_UNIT_LIBS = $(foreach l,$(call unpack_lib,$(UNPACK_ALL)),$(UNPACK_A_DIR)/lib$(l).a)
$(B)/unit-$(I386_CCNAME) $(B)/unit-san-$(I386_CCNAME): UNIT_CFLAGS += -isystem $(UNPACK_INC)
$(B)/unit-$(I386_CCNAME): UNIT_LIBS = $(I386_UNIT_LIBS) mk/musl-compat.c
$(B)/unit-san-$(I386_CCNAME): UNIT_LIBS = $(I386_UNIT_LIBS)
$(B)/unit-$(I386_CCNAME) $(B)/unit-san-$(I386_CCNAME): | $(B)/unpack-include/.done
