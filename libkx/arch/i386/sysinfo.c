/* i386: the same firmware memory map, boot_params and ACPI RSDP as x86_64. */
#include "../x86_64/sysinfo.c"
