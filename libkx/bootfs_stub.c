/* TEMPORARY: weak stand-ins until the parsers land (removed when they do). */
#include "bootfs.h"
#define W __attribute__((weak))
W void kx_vols_init(struct kx_vols *vs){(void)vs;}
W int kx_vols_add_dir(struct kx_vols *vs, const char *dir, struct kx_error *err){(void)vs;(void)dir;(void)err;return -1;}
W int kx_vols_add_device(struct kx_vols *vs, const char *dev, struct kx_error *err){(void)vs;(void)dev;(void)err;return -1;}
W int kx_vols_scan(struct kx_vols *vs, struct kx_error *err){(void)vs;(void)err;return -1;}
W struct kx_boot_fs kx_vols_fs(struct kx_vols *vs){struct kx_boot_fs f={0};(void)vs;return f;}
W int kx_vols_open(struct kx_vols *vs, unsigned vol, const char *path, struct kx_error *err){(void)vs;(void)vol;(void)path;(void)err;return -1;}
W void kx_vols_free(struct kx_vols *vs){(void)vs;}
