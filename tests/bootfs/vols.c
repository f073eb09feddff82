/*
 * vols: libkx/bootfs.c by hand (tests/bootfs/loop.sh, QEMU guests).
 *   vols [-s] [DEV|DIR]... [-- PATH...]
 * adds each block device (any path: its node may be anywhere) or directory, or with -s every block
 * device (kx_vols_scan), prints one line per volume:
 *   vol N NAME TYPE uuid=U label=L partuuid=P mounted=M
 * then for each PATH on each volume:
 *   read N PATH: SIZE bytes, first line "..." | missing | refused | too big
 *   list N PATH: NAME[/] ...
 * Debug lines go to stderr. Never run -s on a machine whose disks you care
 * about reading: it opens every block device read-only (rule zero allows it,
 * the project's host rule does not: use it in QEMU).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "bootfs.h"

static void logline(void *arg, int level, const char *line)
{
	(void)arg, (void)level;
	fprintf(stderr, "%s\n", line);
}

static int each(void *arg, const char *name, int is_dir)
{
	(void)arg;
	printf(" %s%s", name, is_dir ? "/" : "");
	return 0;
}

int main(int argc, char **argv)
{
	static struct kx_vols vs;
	struct kx_boot_fs fs;
	struct kx_error err;
	char msg[512];
	int i, paths = 0, rc = 0;
	unsigned v;
	struct stat st;

	kx_vols_init(&vs);
	vs.log = logline;
	for (i = 1; i < argc && !paths; i++) {
		int r;
		if (!strcmp(argv[i], "--")) {
			paths = i + 1;
			break;
		}
		if (!strcmp(argv[i], "-s"))
			r = kx_vols_scan(&vs, &err);
		else if (!stat(argv[i], &st) && S_ISBLK(st.st_mode))
			r = kx_vols_add_device(&vs, argv[i], &err);
		else
			r = kx_vols_add_dir(&vs, argv[i], &err);
		if (r) {
			kx_error_message(&err, msg, sizeof(msg));
			printf("error %s: %s (%s)\n", argv[i], msg, kx_error_name(err.code));
			rc = 1;
		}
	}
	fs = kx_vols_fs(&vs);
	for (v = 0; v < vs.n; v++)
		printf("vol %u %s %s uuid=%s label=%s partuuid=%s mounted=%d%s%s\n", v, vs.v[v].name,
		       vs.v[v].type[0] ? vs.v[v].type : "dir", vs.v[v].uuid, vs.v[v].label,
		       vs.v[v].partuuid, vs.v[v].mounted, vs.v[v].mnt[0] ? " on " : "", vs.v[v].mnt);
	for (i = paths; paths && i < argc; i++)
		for (v = 0; v < vs.n; v++) {
			const uint8_t *b;
			size_t len;
			int r = fs.read(fs.ctx, v, argv[i], 1 << 20, &b, &len);
			if (r == 0) {
				size_t l = 0;
				while (l < len && l < 60 && b[l] != '\n')
					l++;
				printf("read %u %s: %zu bytes, first line \"%.*s\"\n", v, argv[i], len, (int)l,
				       (const char *)b);
			} else if (r == KX_FS_MISSING) {
				printf("read %u %s: missing", v, argv[i]);
				if (fs.list(fs.ctx, v, argv[i], each, 0) == 0)
					printf(" (a directory)");
				printf("\n");
			} else {
				printf("read %u %s: %s\n", v, argv[i],
				       r == KX_FS_REFUSED ? "refused" : r == KX_FS_TOO_BIG ? "too big" : "error");
			}
		}
	kx_vols_free(&vs);
	return rc;
}
