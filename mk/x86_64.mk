# x86_64: the host's compilers; the static binary is linked against musl.
CC        ?= cc
STATIC_CC ?= musl-gcc
LD        := ld
OBJCOPY   := objcopy
# the purgatory: no SSE state, no red zone (it runs with interrupts off, but
# also under a foreign stack), position independent
PURG_ARCH_CFLAGS := -mno-red-zone -mgeneral-regs-only -fpie -fcf-protection=none
# kx-static: no RELRO page, and .data right after .text in the file (common-page-size:
# no padding to a page boundary; the two segments stay congruent modulo max-page-size)
STATIC_LDFLAGS   := -Wl,-z,noseparate-code -Wl,-z,norelro -Wl,-z,common-page-size=64
ARCH_PC_LIBS :=
# the decompressors (Makefile's UNPACK_*): Debian's static archives, linked into
# kx-static by path (never -L there: that directory holds glibc's libc.a), and
# their headers (musl-gcc does not look in /usr/include: a directory of links)
UNPACK_A_DIR := /usr/lib/x86_64-linux-gnu
UNPACK_H_DIR := /usr/include
ARCH_LDLIBS   = $(addprefix -l,$(UNPACK_LIBS))
ARCH_LDLIBS_STATIC :=
ARCH_PC_LIBS  = $(addprefix -l,$(UNPACK_LIBS))
