/*
 * Auto mode's choice of system call (docs/syscalls.md, "Auto mode"): the
 * fast path (kexec_load: kx's plan and purgatory) unless the system's policy
 * requires kexec_file_load or gives something through it only. Pure: the
 * facts are read by libkx (policy.c, files only); here they are parsed and
 * weighed. Every fact is 1 (yes), 0 (no) or -1 (unknown).
 */
#ifndef KX_POLICY_H
#define KX_POLICY_H
#include <stddef.h>

/* Where the IMA answer came from. */
enum kx_ima_source {
	KX_IMA_SRC_NONE = 0,    /* no IMA in this kernel (no securityfs ima/) */
	KX_IMA_SRC_POLICY,      /* the policy as read (securityfs ima/policy) */
	KX_IMA_SRC_BUILTIN,     /* ima_policy=secure_boot|appraise_tcb, ima_appraise_tcb */
	KX_IMA_SRC_BUILD,       /* CONFIG_IMA_APPRAISE_REQUIRE_KEXEC_SIGS */
	KX_IMA_SRC_ARCH,        /* Secure Boot with CONFIG_IMA_ARCH_POLICY */
	KX_IMA_SRC_CUSTOM,      /* a custom policy was loaded and cannot be read */
	KX_IMA_SRC_UNREADABLE,  /* the policy cannot be read nor inferred */
	KX_IMA_SRC_INFERRED,    /* not readable, but nothing loads a kexec rule */
};

/* How reading securityfs ima/policy went. */
enum kx_ima_read {
	KX_IMA_READ_OK = 0,     /* text in hand */
	KX_IMA_READ_DENIED,     /* EACCES/EPERM: no CONFIG_IMA_READ_POLICY, or not root */
	KX_IMA_READ_GONE,       /* ENOENT while ima/ exists: removed after a custom
				   policy was written (no CONFIG_IMA_{READ,WRITE}_POLICY) */
	KX_IMA_READ_ERROR,      /* anything else */
};

/* What libkx found about IMA, raw. */
struct kx_ima_raw {
	int present;            /* securityfs has ima/ */
	enum kx_ima_read read;
	const char *policy;     /* read == KX_IMA_READ_OK: the text */
	size_t policy_len;
	const char *cmdline;    /* /proc/cmdline, or NULL */
	size_t cmdline_len;
	int secure_boot;        /* UEFI Secure Boot on */
	int cfg_arch_policy;    /* CONFIG_IMA_ARCH_POLICY */
	int cfg_require_kexec;  /* CONFIG_IMA_APPRAISE_REQUIRE_KEXEC_SIGS */
	int cfg_write_policy;   /* CONFIG_IMA_WRITE_POLICY */
	int cfg_read_policy;    /* CONFIG_IMA_READ_POLICY */
};

/* The facts auto mode weighs. */
struct kx_policy_facts {
	int lockdown;           /* 0 none, 1 integrity, 2 confidentiality, -1 unknown */
	int load_disabled;      /* kernel.kexec_load_disabled */
	int sig_force;          /* CONFIG_KEXEC_SIG_FORCE */
	int sig_arch;           /* Secure Boot + CONFIG_IMA_ARCH_POLICY + CONFIG_KEXEC_SIG:
				   the kernel enforces kexec signatures (set_kexec_sig_enforced) */
	int ima;                /* an IMA rule measures or appraises KEXEC_KERNEL_CHECK */
	enum kx_ima_source ima_src;
	int kho;                /* Kexec HandOver enabled */
	int xen;                /* a Xen dom0 */
};

/* Why auto mode chose as it did (after the image and the options allowed a choice). */
enum kx_auto_why {
	KX_AUTO_FAST = 0,       /* kexec_load: nothing asks for the file path */
	KX_AUTO_XEN,            /* kexec_load: Xen dom0, as kexec-tools does */
	KX_AUTO_LOCKDOWN,       /* kexec_file_load: lockdown refuses kexec_load */
	KX_AUTO_LOAD_DISABLED,  /* kexec_file_load: kexec_load_disabled (both refuse: say it) */
	KX_AUTO_SIG_FORCE,      /* kexec_file_load: CONFIG_KEXEC_SIG_FORCE */
	KX_AUTO_SIG_ARCH,       /* kexec_file_load: Secure Boot's arch policy enforces signatures */
	KX_AUTO_IMA,            /* kexec_file_load: IMA measures/appraises the kexec kernel */
	KX_AUTO_KHO,            /* kexec_file_load: Kexec HandOver works through it only */
	KX_AUTO_IMA_UNKNOWN,    /* kexec_file_load: IMA's policy unknown (the safe side) */
	KX_AUTO__END
};

struct kx_auto {
	int use_file;           /* kexec_file_load */
	int required;           /* a known policy requires it: never fall back to kexec_load */
	enum kx_auto_why why;
};

/* The choice; f NULL reads as "nothing known", which is the fast path. */
struct kx_auto kx_auto_choose(const struct kx_policy_facts *f);

/* CONFIG_NAME in a kernel .config text: 1 (=y or =m), 0 (not set or absent). */
int kx_kconfig(const char *text, size_t len, const char *name);
/* The last key=value of a kernel command line (words after "--" are init's):
 * 1 with the value's start and length, 0 if absent; a bare key has length 0. */
int kx_cmdline_value(const char *text, size_t len, const char *key, const char **val,
		     size_t *vlen);
/* Linux's kstrtobool on a command-line value: 1, 0, or -1 (not a boolean). */
int kx_bool_word(const char *v, size_t n);
/* Does an IMA policy text hold a measure or appraise rule that can match
 * KEXEC_KERNEL_CHECK (func=KEXEC_KERNEL_CHECK, or no func= at all)? 1/0. */
int kx_ima_policy_kexec(const char *text, size_t len);
/* Do the built-in policies the command line names hold such a rule? 1/0.
 * (tcb does not: it measures files root reads, kx's own read of the kernel
 * included, whichever syscall follows.) */
int kx_ima_builtin_kexec(const char *cmdline, size_t len);
/* The IMA fact from what libkx found; *src says where it came from. */
int kx_ima_infer(const struct kx_ima_raw *r, enum kx_ima_source *src);
/* KHO from the command line (kho=) and whether debugfs shows kho/ (-1: not looked). */
int kx_kho_infer(const char *cmdline, size_t len, int debugfs_kho);
#endif
