/* What each architecture's tool code provides (tool/arch/<arch>/). */
#ifndef KX_TOOL_ARCH_H
#define KX_TOOL_ARCH_H
#include <kx/loader.h>

extern const char kx_arch_name[];
extern const char kx_arch_kernel_format[];       /* what kexec_file_load parses: "bzImage" */
extern const unsigned long kx_arch_kexec_flag;   /* KEXEC_ARCH_* << 16 */
extern const uint16_t kx_arch_serial_port;       /* purgatory messages */
extern const uint8_t kx_purgatory_blob[];
extern const uint8_t kx_purgatory_blob_end[];

/* Fill si from /sys, /proc and the firmware; 0, or -1 after printing why. */
int arch_sysinfo(struct kx_sysinfo *si);
/* Memory the architecture's kernel image in buf takes once placed, from its
 * header (x86: bzImage init_size; arm64: Image image_size); 0 = not one. */
uint64_t arch_kernel_bytes(const uint8_t *buf, size_t len);
/* Names of the registers the purgatory sets, for the plan printout. */
extern const char *const kx_arch_reg_names[KX_PURG_NREGS];
#endif
