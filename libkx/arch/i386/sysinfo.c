/* i386: the same firmware memory map, boot_params and ACPI RSDP as x86_64;
 * the architecture's constants are in consts.c. */
#define KX_ARCH_CONSTS_ELSEWHERE
#include "../x86_64/sysinfo.c"
