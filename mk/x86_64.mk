# x86_64: the host's compilers; the static binary is linked against musl.
CC        ?= cc
STATIC_CC ?= musl-gcc
LD        := ld
OBJCOPY   := objcopy
# the purgatory: no SSE state, no red zone (it runs with interrupts off, but
# also under a foreign stack), position independent
PURG_ARCH_CFLAGS := -mno-red-zone -mgeneral-regs-only -fpie -fcf-protection=none
STATIC_LDFLAGS   := -Wl,-z,noseparate-code
ARCH_PC_LIBS :=
