/* TEMPORARY: weak stand-ins until the parsers land (removed when they do). */
#include <kx/boot.h>
#define W __attribute__((weak))
W void kx_grub_parse(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol, const char *path, const uint8_t *buf, size_t len){(void)bl;(void)fs;(void)vol;(void)path;(void)buf;(void)len;}
W void kx_syslinux_parse(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol, const char *path, const uint8_t *buf, size_t len){(void)bl;(void)fs;(void)vol;(void)path;(void)buf;(void)len;}
