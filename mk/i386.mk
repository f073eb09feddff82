# i386 (32-bit x86), built on an x86_64 Debian host with the host's gcc and
# -m32 (gcc-multilib): make ARCH=i386 static -> build/i386/kx-static, static,
# against musl for i386 from Debian's i386 musl-dev package, unpacked (not
# installed) into build/i386/sysroot by mk/i386/sysroot.sh on the first build
# (docs/i386.md). The x86 code is shared with x86_64: lib/arch/i386,
# libkx/arch/i386 and purgatory/arch/i386 compile the x86_64 files they share.
ifeq ($(origin CC),default)
CC        := gcc -m32
endif
B         ?= build/i386
I386_SYSROOT := $(B)/sysroot
STATIC_CC := gcc -m32 -specs $(I386_SYSROOT)/musl-gcc.specs
LD        := ld -m elf_i386
OBJCOPY   := objcopy
AR        := ar
# the purgatory: no x87/SSE state, position independent (GOT-relative
# addressing; the build links it at two bases and compares the bytes)
PURG_ARCH_CFLAGS := -mgeneral-regs-only -fpie -fcf-protection=none -march=i686
# 64-bit division in the purgatory's decimal printer: libgcc's helpers
# (plain code, no data), linked after the objects
PURG_LDLIBS      := $(shell gcc -m32 -print-libgcc-file-name)
STATIC_LDFLAGS   := -Wl,-z,noseparate-code -Wl,-z,norelro
ARCH_LDLIBS      :=
ARCH_DEPS        := $(I386_SYSROOT)/.done
ARCH_PC_LIBS     :=

$(I386_SYSROOT)/.done: mk/i386/sysroot.sh mk/i386/apt-i386.sh
	mk/i386/sysroot.sh $(I386_SYSROOT)
