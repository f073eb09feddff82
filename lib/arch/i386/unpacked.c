/* i386 shares the x86 code of lib/arch/x86_64: one implementation. */
#include "../x86_64/unpacked.c"
