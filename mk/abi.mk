# ---- libkx ABI discipline (abigail-tools: abidw, abidiff) ---------------------------
# abi-dump:  write the baseline abi/libkx.abi from libkx.so.1 (abi-lib) and the
#            installed headers (make embed-stage); commit it when the ABI is meant
#            to change (a new soname, or compatible additions to record).
# abi-check: compare the baseline with the freshly built library (the count at
#            the end of each public enum may grow: abi/libkx.suppr). Fails on an
#            incompatible change: a removed or changed function or variable
#            (abidiff exit bit 8, or bit 4 with anything Removed or Changed: a
#            struct's layout, a parameter's type), unless the soname changed.
#            Additions pass, and are reported.
# Stable across rebuilds and machines: no corpus path, no compilation directory,
# no source locations (they hold the stage's absolute path), no architecture,
# type ids by hash; only the exported functions and the types of the public
# headers (--exported-interfaces-only, --drop-private-types).
# The library is built with -O2 and no debug information, which abidw needs to
# see types (a struct's layout): abi-lib builds it again, same sources and flags
# plus -g, in $(ABI_BUILD), and checks that it exports exactly the symbols of
# $(B)/libkx.so.$(SOVER).
ABI_BASE  ?= abi/libkx.abi
ABI_BUILD := $(B)/abi/build
ABI_LIB   ?= $(ABI_BUILD)/libkx.so.$(SOVER)
ABI_INC   ?= $(EMBED_STAGE)/usr/include
ABIDW_FLAGS = --no-corpus-path --no-comp-dir-path --no-show-locs --no-architecture \
  --type-id-style hash --exported-interfaces-only --drop-private-types --headers-dir $(ABI_INC)

abi-lib: all
	$(MAKE) embed-stage >/dev/null
	$(MAKE) -s B=$(ABI_BUILD) OPT="$(OPT) -g" $(ABI_BUILD)/libkx.so.$(SOVER)
	@mkdir -p $(B)/abi && nm -D --defined-only $(B)/libkx.so.$(SOVER) | awk '{ print $$NF }' | sort >$(B)/abi/syms
	@nm -D --defined-only $(ABI_BUILD)/libkx.so.$(SOVER) | awk '{ print $$NF }' | sort | \
	  diff -u $(B)/abi/syms - || { echo "abi-lib: the -g build exports other symbols"; exit 1; }

abi-dump: abi-lib
	@mkdir -p $(dir $(ABI_BASE))
	abidw $(ABIDW_FLAGS) --out-file $(ABI_BASE) $(ABI_LIB)
	@echo "abi-dump: $(ABI_BASE) ($$(grep -c '<elf-symbol ' $(ABI_BASE)) symbols)"

abi-check: abi-lib
	@test -f $(ABI_BASE) || { echo "abi-check: no baseline $(ABI_BASE) (make abi-dump)"; exit 1; }
	abidw $(ABIDW_FLAGS) --out-file $(B)/abi/libkx.abi $(ABI_LIB)
	@old=$$(sed -n "s/.*soname='\([^']*\)'.*/\1/p" $(ABI_BASE) | head -n1); \
	new=$$(sed -n "s/.*soname='\([^']*\)'.*/\1/p" $(B)/abi/libkx.abi | head -n1); \
	if [ "$$old" != "$$new" ]; then \
	  echo "abi-check: soname $$old -> $$new: a new ABI, not compared (commit a new baseline: make abi-dump)"; \
	  exit 0; fi; \
	rc=0; abidiff --suppressions abi/libkx.suppr $(ABI_BASE) $(B)/abi/libkx.abi >$(B)/abi/report.txt 2>&1 || rc=$$?; \
	if [ $$((rc & 3)) -ne 0 ]; then cat $(B)/abi/report.txt; \
	  echo "abi-check: abidiff failed (exit $$rc)"; exit 1; fi; \
	bad=$$(grep 'changes summary:' $(B)/abi/report.txt | grep -oE '[0-9]+ (Removed|Changed)' | \
	  awk '{ n += $$1 } END { print n + 0 }'); \
	if [ $$((rc & 8)) -ne 0 ] || { [ $$((rc & 4)) -ne 0 ] && [ "$$bad" -ne 0 ]; }; then \
	  cat $(B)/abi/report.txt; \
	  echo "abi-check: INCOMPATIBLE change to $$old (abidiff exit $$rc): restore the ABI, or change the soname"; \
	  exit 1; fi; \
	if [ $$((rc & 4)) -ne 0 ]; then cat $(B)/abi/report.txt; \
	  echo "abi-check: compatible additions to $$old (make abi-dump to record them)"; \
	else echo "abi-check: $$old matches $(ABI_BASE)"; fi

.PHONY: abi-lib abi-dump abi-check
