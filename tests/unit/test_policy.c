/* Auto mode's choice of syscall from the policy facts (lib/policy.c). */
#include <string.h>
#include <kx/policy.h>
#include "t.h"

#define U (-1)

/* every fact "no": the fast path */
static const struct kx_policy_facts none = { 0, 0, 0, 0, 0, KX_IMA_SRC_NONE, 0, 0 };

TEST(policy_decision_table)
{
	static const struct {
		const char *name;
		struct kx_policy_facts f;
		int use_file, required;
		enum kx_auto_why why;
	} rows[] = {
		/* lockdown, disabled, sig_force, sig_arch, ima, src, kho, xen */
		{ "nothing", { 0, 0, 0, 0, 0, 0, 0, 0 }, 0, 0, KX_AUTO_FAST },
		{ "lockdown integrity", { 1, 0, 0, 0, 0, 0, 0, 0 }, 1, 1, KX_AUTO_LOCKDOWN },
		{ "lockdown confidentiality", { 2, 0, 0, 0, 0, 0, 0, 0 }, 1, 1, KX_AUTO_LOCKDOWN },
		{ "kexec_load_disabled", { 0, 1, 0, 0, 0, 0, 0, 0 }, 1, 1, KX_AUTO_LOAD_DISABLED },
		{ "KEXEC_SIG_FORCE", { 0, 0, 1, 0, 0, 0, 0, 0 }, 1, 1, KX_AUTO_SIG_FORCE },
		{ "arch sig enforced", { 0, 0, 0, 1, 0, 0, 0, 0 }, 1, 1, KX_AUTO_SIG_ARCH },
		{ "IMA rule", { 0, 0, 0, 0, 1, KX_IMA_SRC_POLICY, 0, 0 }, 1, 1, KX_AUTO_IMA },
		{ "KHO", { 0, 0, 0, 0, 0, 0, 1, 0 }, 1, 1, KX_AUTO_KHO },
		{ "Xen dom0", { 0, 0, 0, 0, 0, 0, 0, 1 }, 0, 1, KX_AUTO_XEN },
		/* unknowns: IMA's is the one that leans to the file path */
		{ "lockdown unknown", { U, 0, 0, 0, 0, 0, 0, 0 }, 0, 0, KX_AUTO_FAST },
		{ "disabled unknown", { 0, U, 0, 0, 0, 0, 0, 0 }, 0, 0, KX_AUTO_FAST },
		{ "config unknown", { 0, 0, U, U, 0, 0, 0, 0 }, 0, 0, KX_AUTO_FAST },
		{ "IMA unknown", { 0, 0, 0, 0, U, KX_IMA_SRC_UNREADABLE, 0, 0 }, 1, 0, KX_AUTO_IMA_UNKNOWN },
		{ "KHO unknown", { 0, 0, 0, 0, 0, 0, U, 0 }, 0, 0, KX_AUTO_FAST },
		{ "Xen unknown", { 0, 0, 0, 0, 0, 0, 0, U }, 0, 0, KX_AUTO_FAST },
		{ "all unknown", { U, U, U, U, U, 0, U, U }, 1, 0, KX_AUTO_IMA_UNKNOWN },
		/* combinations: the first fact in the order decides */
		{ "Xen and lockdown", { 1, 0, 0, 0, 0, 0, 0, 1 }, 0, 1, KX_AUTO_XEN },
		{ "lockdown and disabled", { 1, 1, 0, 0, 0, 0, 0, 0 }, 1, 1, KX_AUTO_LOCKDOWN },
		{ "disabled and IMA", { 0, 1, 0, 0, 1, 0, 0, 0 }, 1, 1, KX_AUTO_LOAD_DISABLED },
		{ "IMA and KHO", { 0, 0, 0, 0, 1, 0, 1, 0 }, 1, 1, KX_AUTO_IMA },
		{ "KHO and IMA unknown", { 0, 0, 0, 0, U, 0, 1, 0 }, 1, 1, KX_AUTO_KHO },
		{ "sig force and IMA unknown", { 0, 0, 1, 0, U, 0, 0, 0 }, 1, 1, KX_AUTO_SIG_FORCE },
		{ "everything", { 2, 1, 1, 1, 1, 0, 1, 0 }, 1, 1, KX_AUTO_LOCKDOWN },
	};
	unsigned i;
	struct kx_auto a;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		T_ROW("%s", rows[i].name);
		a = kx_auto_choose(&rows[i].f);
		CHECK_EQ(a.use_file, rows[i].use_file);
		CHECK_EQ(a.required, rows[i].required);
		CHECK_EQ(a.why, rows[i].why);
	}
	T_ROW_CLEAR();
	a = kx_auto_choose(0);
	CHECK_EQ(a.use_file, 0);
	CHECK_EQ(a.why, KX_AUTO_FAST);
	a = kx_auto_choose(&none);
	CHECK_EQ(a.why, KX_AUTO_FAST);
}

TEST(policy_kconfig)
{
	static const char cfg[] = "#\n# CONFIG_KEXEC_SIG_FORCE is not set\nCONFIG_KEXEC_SIG=y\n"
				  "CONFIG_KEXEC_SIG_X=y\nCONFIG_IMA=m\nCONFIG_HZ=250\nCONFIG_LAST=y";

	CHECK_EQ(kx_kconfig(cfg, strlen(cfg), "CONFIG_KEXEC_SIG"), 1);
	CHECK_EQ(kx_kconfig(cfg, strlen(cfg), "CONFIG_KEXEC_SIG_FORCE"), 0);
	CHECK_EQ(kx_kconfig(cfg, strlen(cfg), "CONFIG_KEXEC"), 0); /* a prefix is not a name */
	CHECK_EQ(kx_kconfig(cfg, strlen(cfg), "CONFIG_IMA"), 1);
	CHECK_EQ(kx_kconfig(cfg, strlen(cfg), "CONFIG_HZ"), 0);
	CHECK_EQ(kx_kconfig(cfg, strlen(cfg), "CONFIG_LAST"), 1); /* no newline at the end */
	CHECK_EQ(kx_kconfig(cfg, strlen(cfg) - 1, "CONFIG_LAST"), 0); /* cut: "CONFIG_LAST=" */
	CHECK_EQ(kx_kconfig(0, 0, "CONFIG_IMA"), 0);
}

TEST(policy_cmdline_value)
{
	static const char c[] = "ro kho=on ima_policy=\"tcb|secure_boot\" quiet kho=0 -- kho=1";
	const char *v = 0;
	size_t n = 0;

	REQUIRE(kx_cmdline_value(c, strlen(c), "kho", &v, &n));
	CHECK_EQ(n, 1); /* the last before "--" */
	CHECK_EQ(v[0], '0');
	CHECK_EQ(kx_cmdline_value(c, strlen(c), "quiet", &v, &n), 1);
	CHECK_EQ(n, 0);
	CHECK_EQ(kx_cmdline_value(c, strlen(c), "ima", &v, &n), 0);
	CHECK_EQ(kx_kho_infer(c, strlen(c), -1), 0);
	CHECK_EQ(kx_kho_infer("kho=on", 6, -1), 1);
	CHECK_EQ(kx_kho_infer("kho=Y", 5, -1), 1);
	CHECK_EQ(kx_kho_infer("kho=off", 7, -1), 0);
	CHECK_EQ(kx_kho_infer("kho=maybe", 9, -1), 0);
	CHECK_EQ(kx_kho_infer("quiet", 5, 1), 1); /* debugfs shows kho/ */
	CHECK_EQ(kx_kho_infer(0, 0, -1), 0);
	CHECK_EQ(kx_bool_word("on", 2), 1);
	CHECK_EQ(kx_bool_word("oF", 2), 0);
	CHECK_EQ(kx_bool_word("o", 1), -1);
	CHECK_EQ(kx_bool_word("", 0), -1);
}

TEST(policy_ima_rules)
{
	static const struct { const char *text; int want; } rows[] = {
		{ "", 0 },
		{ "measure func=KEXEC_KERNEL_CHECK\n", 1 },
		{ "  appraise func=KEXEC_KERNEL_CHECK appraise_type=imasig", 1 },
		{ "measure func=FILE_CHECK mask=MAY_READ uid=0\nmeasure func=MODULE_CHECK\n", 0 },
		{ "dont_measure func=KEXEC_KERNEL_CHECK\n", 0 },
		{ "audit func=KEXEC_KERNEL_CHECK\n", 0 },
		{ "measure func=KEXEC_INITRAMFS_CHECK\n", 0 },
		{ "appraise fowner=0\n", 1 },                   /* no func=: every hook */
		{ "dont_appraise fsmagic=0x9fa0\nappraise fowner=0 appraise_type=imasig\n", 1 },
		{ "# measure func=KEXEC_KERNEL_CHECK\n", 0 },
		{ "measurement func=KEXEC_KERNEL_CHECK\n", 0 },
		{ "measure func=BPRM_CHECK\nappraise func=KEXEC_KERNEL_CHECK", 1 },
	};
	unsigned i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		T_ROW("%s", rows[i].text);
		CHECK_EQ(kx_ima_policy_kexec(rows[i].text, strlen(rows[i].text)), rows[i].want);
	}
	T_ROW_CLEAR();
	CHECK_EQ(kx_ima_policy_kexec(0, 0), 0);
}

TEST(policy_ima_builtin)
{
	static const struct { const char *cmdline; int want; } rows[] = {
		{ "quiet", 0 },
		{ "ima_policy=tcb", 0 },          /* measures root's reads, not KEXEC_KERNEL_CHECK */
		{ "ima_tcb", 0 },
		{ "ima_policy=secure_boot", 1 },
		{ "ima_policy=appraise_tcb", 1 },
		{ "ima_policy=tcb|secure_boot", 1 },
		{ "ima_policy=\"tcb appraise_tcb\"", 1 },
		{ "ima_policy=critical_data|fail_securely", 0 },
		{ "ima_appraise_tcb", 1 },
		{ "ima_appraise=enforce", 0 },
		{ "ima_policy=secure_bootx", 0 },
		{ "-- ima_policy=secure_boot", 0 },
	};
	unsigned i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		T_ROW("%s", rows[i].cmdline);
		CHECK_EQ(kx_ima_builtin_kexec(rows[i].cmdline, strlen(rows[i].cmdline)), rows[i].want);
	}
}

TEST(policy_ima_infer)
{
	/* Debian's kernel: CONFIG_IMA, no READ/WRITE_POLICY, ARCH_POLICY, no Secure Boot */
	const struct kx_ima_raw debian = {
		1, KX_IMA_READ_DENIED, 0, 0, "quiet", 5, 0, 1, 0, 0, 0,
	};
	struct kx_ima_raw r;
	enum kx_ima_source src;

	r = debian;
	CHECK_EQ(kx_ima_infer(&r, &src), 0);
	CHECK_EQ(src, KX_IMA_SRC_INFERRED);
	r.read = KX_IMA_READ_GONE; /* a custom policy was written: the file went */
	CHECK_EQ(kx_ima_infer(&r, &src), -1);
	CHECK_EQ(src, KX_IMA_SRC_CUSTOM);
	r = debian;
	r.secure_boot = 1;
	CHECK_EQ(kx_ima_infer(&r, &src), 1);
	CHECK_EQ(src, KX_IMA_SRC_ARCH);
	r.secure_boot = U;
	CHECK_EQ(kx_ima_infer(&r, &src), -1);
	r = debian;
	r.cmdline = "ima_policy=secure_boot";
	r.cmdline_len = strlen(r.cmdline);
	CHECK_EQ(kx_ima_infer(&r, &src), 1);
	CHECK_EQ(src, KX_IMA_SRC_BUILTIN);
	r = debian;
	r.cfg_require_kexec = 1;
	CHECK_EQ(kx_ima_infer(&r, &src), 1);
	CHECK_EQ(src, KX_IMA_SRC_BUILD);
	r = debian;
	r.cfg_write_policy = 1; /* something may have been appended */
	CHECK_EQ(kx_ima_infer(&r, &src), -1);
	CHECK_EQ(src, KX_IMA_SRC_UNREADABLE);
	r = debian;
	r.cfg_arch_policy = r.cfg_require_kexec = r.cfg_write_policy = r.cfg_read_policy = U;
	CHECK_EQ(kx_ima_infer(&r, &src), -1); /* no config: cannot infer */
	r = debian;
	r.read = KX_IMA_READ_ERROR;
	CHECK_EQ(kx_ima_infer(&r, &src), -1);
	r = debian;
	r.read = KX_IMA_READ_OK;
	r.policy = "measure func=KEXEC_KERNEL_CHECK\n";
	r.policy_len = strlen(r.policy);
	CHECK_EQ(kx_ima_infer(&r, &src), 1);
	CHECK_EQ(src, KX_IMA_SRC_POLICY);
	r.policy = "measure func=BPRM_CHECK\n";
	r.policy_len = strlen(r.policy);
	r.secure_boot = 1; /* the policy as read includes the arch rules: it decides */
	CHECK_EQ(kx_ima_infer(&r, &src), 0);
	r = debian;
	r.present = 0;
	CHECK_EQ(kx_ima_infer(&r, &src), 0);
	CHECK_EQ(src, KX_IMA_SRC_NONE);
	r.present = U;
	CHECK_EQ(kx_ima_infer(&r, &src), -1);
}
