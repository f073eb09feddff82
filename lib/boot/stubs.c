/* TEMPORARY: weak stand-ins until the parsers land (removed when they do). */
#include <kx/boot.h>
#define W __attribute__((weak))
W void kx_bls_entry(struct kx_boot_list *bl, unsigned vol, const char *path, const char *name, const uint8_t *buf, size_t len) {(void)bl;(void)vol;(void)path;(void)name;(void)buf;(void)len;}
W void kx_bls_loader_conf(struct kx_boot_list *bl, unsigned vol, const uint8_t *buf, size_t len){(void)bl;(void)vol;(void)buf;(void)len;}
W void kx_bls_sort(struct kx_boot_list *bl, unsigned from){(void)bl;(void)from;}
W void kx_uki_entries(struct kx_boot_list *bl, unsigned vol, const char *path, const char *name, const uint8_t *buf, size_t len) {(void)bl;(void)vol;(void)path;(void)name;(void)buf;(void)len;}
W void kx_grub_parse(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol, const char *path, const uint8_t *buf, size_t len){(void)bl;(void)fs;(void)vol;(void)path;(void)buf;(void)len;}
W void kx_syslinux_parse(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol, const char *path, const uint8_t *buf, size_t len){(void)bl;(void)fs;(void)vol;(void)path;(void)buf;(void)len;}
W void kx_plain_scan(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol, const char *dir){(void)bl;(void)fs;(void)vol;(void)dir;}
