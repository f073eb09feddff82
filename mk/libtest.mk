# ---- libkx through its public API (tests/lib) -------------------------------------
# lib-test:      tests/lib linked against build/libkx.a
# lib-test-san:  the library and the tests under AddressSanitizer + UBSan
# lib-test-tsan: the library and the tests under ThreadSanitizer
# Rule zero: the tests never commit, unload or boot. A source that names the
# three calls that make kexec syscalls does not build; --wrap sends any other
# use to an abort; the runner's seccomp filter kills the process on a kexec
# or reboot syscall.
LT        := $(B)/libtest
LT_SRC    := $(wildcard tests/lib/*.c)
LT_DEPS   := $(LT_SRC) $(wildcard tests/lib/*.h) include/kx.h include/kx/err.h
LT_CFLAGS  = $(CSTD) -O1 -g $(WARN) $(WERROR) -Iinclude -D_GNU_SOURCE -pthread
LT_NO     := kx_load_commit kx_unload kx_exec
LT_SP     := $(subst ,, )
LT_LIBS    = $(foreach f,$(LT_NO),-Wl,--wrap=$(f)) $(ARCH_LDLIBS) -pthread
LT_ASAN   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g
LT_TSAN   := -fsanitize=thread -g
LT_ENV    := KX_LIB_PURGATORY=$(PURG_BIN)

$(LT)/guard.ok: $(LT_DEPS)
	@mkdir -p $(LT)
	@if grep -nwE '$(subst $(LT_SP),|,$(LT_NO))' $(LT_SRC) $(wildcard tests/lib/*.h); then \
	  echo "tests/lib must never call $(LT_NO): they make kexec syscalls (rule zero)" >&2; exit 1; fi
	@touch $@

# the library again, instrumented, as one object with only the API global (as libkx.a)
$(eval $(call variant,$(LT)/asan,$(CC),$(LT_ASAN),-fvisibility=hidden))
$(eval $(call variant,$(LT)/tsan,$(CC),$(LT_TSAN),-fvisibility=hidden))
LT_LIBOBJ = $(patsubst %,$(LT)/$(1)/%.o,$(LIB_SRC) $(KX_SRC) $(KX_ASM))
$(call LT_LIBOBJ,asan) $(call LT_LIBOBJ,tsan): | $(ARCH_DEPS)
define lt_archive # $(1)=asan|tsan
$(LT)/libkx-$(1).a: $(call LT_LIBOBJ,$(1))
	$$(LD) -r -o $(LT)/libkx-$(1).o $$^
	$$(OBJCOPY) --localize-hidden $(LT)/libkx-$(1).o
	rm -f $$@ && $$(AR) rcs $$@ $(LT)/libkx-$(1).o
endef
$(eval $(call lt_archive,asan))
$(eval $(call lt_archive,tsan))

$(LT)/lib-test: $(LT_DEPS) $(LT)/guard.ok $(B)/libkx.a
	$(CC) $(LT_CFLAGS) -o $@ $(LT_SRC) $(B)/libkx.a $(LT_LIBS)
$(LT)/lib-test-san: $(LT_DEPS) $(LT)/guard.ok $(LT)/libkx-asan.a
	$(CC) $(LT_CFLAGS) $(LT_ASAN) -o $@ $(LT_SRC) $(LT)/libkx-asan.a $(LT_LIBS)
$(LT)/lib-test-tsan: $(LT_DEPS) $(LT)/guard.ok $(LT)/libkx-tsan.a
	$(CC) $(LT_CFLAGS) $(LT_TSAN) -o $@ $(LT_SRC) $(LT)/libkx-tsan.a $(LT_LIBS)

lib-test: $(LT)/lib-test
	$(LT_ENV) $<
lib-test-san: $(LT)/lib-test-san
	$(LT_ENV) ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 $<
# ThreadSanitizer checks the threads, not the decoders: it loads the cloud
# kernel (lz4) when the cache has it, since XZ Embedded, compiled into the
# library, decodes the Debian kernel's 63 MiB about 20 times slower under TSan
# (7 minutes against 45 s); lib-test and lib-test-san keep the xz one
LT_TSAN_KERNEL = $(firstword $(wildcard tests/e2e/cache/kernel-cloud-amd64/boot/vmlinuz*))
lib-test-tsan: $(LT)/lib-test-tsan
	$(LT_ENV) $(if $(LT_TSAN_KERNEL),KX_LIB_VMLINUZ=$(LT_TSAN_KERNEL)) TSAN_OPTIONS=halt_on_error=1:exitcode=66 $<
.PHONY: lib-test lib-test-san lib-test-tsan

# ---- libkx/bootfs.c, kx boot's volumes, on the host (tests/bootfs) --------------------
# bootfs.h is internal: the test links the library's objects. Each case runs in a
# private mount namespace (a user namespace where not root) on a tmpfs of its own:
# no real disk is read, mounted or written. Block devices: QEMU (t-kxboot) and,
# by hand as root, tests/bootfs/loop.sh on loop devices of image files.
BFS_SRC := tests/bootfs/test_bootfs.c tests/unit/main.c
$(B)/bootfs-test: $(BFS_SRC) tests/unit/t.h libkx/bootfs.h $(KX_OBJ)
	$(CC) $(CSTD) -O1 -g $(WARN) $(WERROR) -D_GNU_SOURCE -Iinclude -Itests/unit -Ilibkx -o $@ \
	  $(BFS_SRC) $(KX_OBJ) $(ARCH_LDLIBS)
# and again under ASan + UBSan, with lib-test-san's instrumented objects
$(B)/bootfs-test-san: $(BFS_SRC) tests/unit/t.h libkx/bootfs.h $(call LT_LIBOBJ,asan)
	$(CC) $(CSTD) -O1 $(WARN) $(WERROR) $(LT_ASAN) -D_GNU_SOURCE -Iinclude -Itests/unit -Ilibkx -o $@ \
	  $(BFS_SRC) $(call LT_LIBOBJ,asan) $(ARCH_LDLIBS)
bootfs-test: $(B)/bootfs-test $(B)/bootfs-test-san
	$(B)/bootfs-test
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 $(B)/bootfs-test-san
.PHONY: bootfs-test
# tests/bootfs/vols.c: the volume layer by hand (tests/bootfs/loop.sh; QEMU guests)
$(B)/vols: tests/bootfs/vols.c libkx/bootfs.h $(KX_OBJ)
	$(CC) $(CSTD) -O1 -g $(WARN) $(WERROR) -D_GNU_SOURCE -Iinclude -Ilibkx -o $@ $< $(KX_OBJ) $(ARCH_LDLIBS)
