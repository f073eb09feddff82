/* Every message the user sees about a failure: one sentence, what went
 * wrong and what to do. Printed to stderr prefixed "kx: ". */
#ifndef KX_MSG_H
#define KX_MSG_H
#include <kx/err.h>

void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_file_error(const char *role, const char *path, int neg_errno);
void msg_lib_error(struct kx_err e, const char *subject);
void msg_kexec_error(const char *op, int neg_errno);
/* kexec_file_load failed for good (no fallback). */
void msg_kexec_file_error(int neg_errno, const char *image, int is_uki);
/* kexec_file_load could not take the image and kexec_load failed too. */
void msg_kexec_fallback_error(int neg_errno, const char *image);
extern int msg_debug;
void dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
