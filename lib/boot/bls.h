/* Shared by lib/boot/bls.c and lib/boot/ukient.c (not part of the API). */
#ifndef KX_LIB_BOOT_BLS_H
#define KX_LIB_BOOT_BLS_H
#include <stddef.h>

/* The length of the id a BLS (.conf) or UKI (.efi) file name gives: the name
 * without its suffix and without a boot-counting "+LEFT[-DONE]"
 * before the suffix. */
size_t kx_bls_id_len(const char *name, size_t n, const char *suffix);
#endif
