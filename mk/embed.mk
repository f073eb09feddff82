# ---- examples/embed: kxboot, a program that uses libkx as installed -----------------
# make embed: `make install` into $(B)/stage (DESTDIR, PREFIX=/usr), then
# kxboot.c is compiled with nothing of the tree, only what pkg-config finds in
# the stage:
#   $(B)/examples/kxboot         dynamic (run it with LD_LIBRARY_PATH=$(B)/stage/usr/lib)
#   $(B)/examples/kxboot-static  static (pkg-config --static), for the QEMU guest
# Tests: tests/e2e/t-embed-host.sh (host, no --load), tests/e2e/t-embed.sh (QEMU).
EMBED_STAGE := $(abspath $(B))/stage
# only the stage's .pc files; system directories kept (they are inside the sysroot)
EMBED_PKGCONF = PKG_CONFIG_PATH=$(EMBED_STAGE)/usr/lib/pkgconfig \
  PKG_CONFIG_LIBDIR=$(EMBED_STAGE)/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$(EMBED_STAGE) \
  PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1 pkg-config
EMBED_CFLAGS := -std=c11 -O2 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
# glibc's static libc: libkx.a is built with $(CC), not musl
EMBED_STATIC_CC ?= $(CC)

embed: embed-stage
	$(MAKE) embed-bin
# make install into a fresh stage (also used by mk/abi.mk)
embed-stage:
	rm -rf $(EMBED_STAGE)
	$(MAKE) install DESTDIR=$(EMBED_STAGE) PREFIX=/usr

embed-bin: $(B)/examples/kxboot $(B)/examples/kxboot-static
$(B)/examples/kxboot: examples/embed/kxboot.c $(EMBED_STAGE)/usr/include/kx.h
	@mkdir -p $(dir $@)
	$(CC) $(EMBED_CFLAGS) $$($(EMBED_PKGCONF) --cflags libkx) -o $@ $< \
	  $$($(EMBED_PKGCONF) --libs libkx)
$(B)/examples/kxboot-static: examples/embed/kxboot.c $(EMBED_STAGE)/usr/include/kx.h
	@mkdir -p $(dir $@)
	$(EMBED_STATIC_CC) $(EMBED_CFLAGS) $$($(EMBED_PKGCONF) --static --cflags libkx) -static -s \
	  -o $@ $< $$($(EMBED_PKGCONF) --static --libs libkx)
	@echo "kxboot-static: $$(stat -c %s $@) bytes (stripped)"

# the e2e tests t-embed-host and t-embed need both binaries
e2e: embed

.PHONY: embed embed-stage embed-bin
