# mpssl: MicroPython's ssl module on Mbed TLS.
#
#   make          fetch MicroPython and Mbed TLS (first run), build build/micropython:
#                 the product, without test hooks
#   make demo     build, then run the demo (a verified TLS connection on loopback)
#   make test-build  build/micropython-test: the same with MPSSL_TESTING=1 (the
#                 _mpssl_testing module: in-memory pipes, allocation-failure injection),
#                 the binary the tests run
#   make test     build both, then run every test
#   make bench    benchmarks against upstream MicroPython and CPython
#   make check-mbedtls-release   is there a Mbed TLS 3.6 release newer than our pin?
#                 (BENCH=quick: the short CI variant)
#
# MICROPY_SRC=/path and MBEDTLS_SRC=/path use existing source trees instead
# of Debian's source packages.

ROOT := $(abspath .)
DEPS := $(ROOT)/build/deps
MICROPY_SRC ?= $(DEPS)/micropython
MBEDTLS_SRC ?= $(DEPS)/mbedtls
UNIX_BUILD := $(ROOT)/build/unix
TEST_BUILD := $(ROOT)/build/unix-test
MPY_CROSS := $(ROOT)/build/mpy-cross/mpy-cross
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

MPSSL_SOURCES := $(wildcard mpssl/*.c mpssl/*.h mpssl/*.mk)

# The unix port with its own TLS off, our module in its place. Every build of it names its
# own BUILD directory after these.
UNIX_MAKE_ARGS := \
	VARIANT=standard \
	USER_C_MODULES=$(ROOT) \
	MBEDTLS_SRC=$(abspath $(MBEDTLS_SRC)) \
	FROZEN_MANIFEST=$(ROOT)/mpssl/manifest.py \
	MICROPY_PY_SSL=0 \
	MICROPY_SSL_MBEDTLS=0 \
	MICROPY_SSL_AXTLS=0 \
	MICROPY_PY_BTREE=0 \
	MICROPY_PY_FFI=0 \
	COPT="-O2 -DNDEBUG"
# The product (build/micropython) is built with these, the test build
# (build/micropython-test) adds the test hooks; the sanitizer, fuzz and valgrind builds
# start from TEST_MAKE_ARGS.
TEST_MAKE_ARGS := $(UNIX_MAKE_ARGS) MPSSL_TESTING=1

.PHONY: all deps demo test test-build clean check-mbedtls-release

all: build/micropython

# What the build, the demo and the tests need from Debian.
BUILD_PACKAGES := build-essential dpkg-dev patch python3 openssl iproute2 util-linux

$(DEPS)/.fetched:
	@tools/ensure-packages.sh $(BUILD_PACKAGES)
	@if [ "$(MICROPY_SRC)" = "$(DEPS)/micropython" ] || [ "$(MBEDTLS_SRC)" = "$(DEPS)/mbedtls" ]; then \
		tools/fetch-sources.sh $(DEPS); \
	fi
	@test -f $(MICROPY_SRC)/py/mpconfig.h || { echo "MicroPython source not found at $(MICROPY_SRC)"; exit 1; }
	@test -f $(MBEDTLS_SRC)/include/mbedtls/ssl.h || { echo "Mbed TLS source not found at $(MBEDTLS_SRC)"; exit 1; }
	@mkdir -p $(DEPS) && touch $@

# Our small patches (patches/<tree>/*.patch, each explained in its header),
# applied once to each source tree: $(call apply_patches,TREE,PATCHES).
define apply_patches
	@for p in $(2); do \
		if patch -d $(1) -p1 -R --dry-run -s -f < $$p >/dev/null 2>&1; then \
			echo "mpssl: $$p already applied"; \
		else \
			echo "mpssl: applying $$p"; patch -d $(1) -p1 -s -f < $$p || exit 1; \
		fi; \
	done
	@touch $@
endef

MICROPY_PATCHES := $(sort $(wildcard patches/micropython/*.patch))
MBEDTLS_PATCHES := $(sort $(wildcard patches/mbedtls/*.patch))
MICROPY_PATCHED := $(MICROPY_SRC)/.mpssl-patched
MBEDTLS_PATCHED := $(MBEDTLS_SRC)/.mpssl-patched

$(MICROPY_PATCHED): $(DEPS)/.fetched $(MICROPY_PATCHES)
	$(call apply_patches,$(MICROPY_SRC),$(MICROPY_PATCHES))

$(MBEDTLS_PATCHED): $(DEPS)/.fetched $(MBEDTLS_PATCHES)
	$(call apply_patches,$(MBEDTLS_SRC),$(MBEDTLS_PATCHES))

deps: $(MICROPY_PATCHED) $(MBEDTLS_PATCHED)

# $(call fresh_objects,OBJ_DIR,MAKE_ARGS): the port's Makefile does not rebuild objects when
# only the flags change, so start OBJ_DIR afresh when MAKE_ARGS differ from the last build's
# (OBJ_DIR.make-args). Expanded with the recipe, before its commands run.
fresh_objects = $(if $(and $(findstring x$(2)x,x$(file <$(1).make-args)x),$(findstring \
	x$(file <$(1).make-args)x,x$(2)x)),,$(shell rm -rf $(1); mkdir -p $(dir $(1)))$(file >$(1).make-args,$(2)))

# $(call build_unix,OBJ_DIR,MAKE_ARGS,BINARY): the unix port with MAKE_ARGS into OBJ_DIR,
# its binary copied to BINARY. mpy-cross is a prerequisite of its own, so that several of
# these can run at once (make -j2 all test-build).
define build_unix
	@echo "mpssl: building MicroPython $$(cat $(MICROPY_SRC)/.debian-version 2>/dev/null) (unix port) with mpssl on Mbed TLS $$(cat $(MBEDTLS_SRC)/.debian-version 2>/dev/null) into $(3)"$(call fresh_objects,$(1),$(2))
	$(MAKE) -C $(MICROPY_SRC)/ports/unix -j$(JOBS) $(2) BUILD=$(1) \
		MICROPY_MPYCROSS=$(MPY_CROSS) MICROPY_MPYCROSS_DEPENDENCY=$(MPY_CROSS)
	cp $(1)/micropython $(3).tmp && mv -f $(3).tmp $(3)
endef

$(MPY_CROSS): $(MICROPY_PATCHED)
	$(MAKE) -C $(MICROPY_SRC)/mpy-cross -j$(JOBS) BUILD=$(ROOT)/build/mpy-cross

build/micropython: $(MICROPY_PATCHED) $(MBEDTLS_PATCHED) $(MPSSL_SOURCES) $(MPY_CROSS)
	$(call build_unix,$(UNIX_BUILD),$(UNIX_MAKE_ARGS),$@)

test-build: build/micropython-test

build/micropython-test: $(MICROPY_PATCHED) $(MBEDTLS_PATCHED) $(MPSSL_SOURCES) $(MPY_CROSS)
	$(call build_unix,$(TEST_BUILD),$(TEST_MAKE_ARGS),$@)

demo: build/micropython
	python3 tools/demo.py

# The tests run build/micropython-test; the product suite checks build/micropython.
test: build/micropython build/micropython-test
	python3 tools/run-tests.py

# Says whether Debian offers a Mbed TLS 3.6 release newer than the one pinned in
# tools/fetch-sources.sh (exit status 3 if it does).
check-mbedtls-release:
	tools/fetch-sources.sh $(DEPS) check-mbedtls

clean:
	rm -rf $(UNIX_BUILD) $(UNIX_BUILD).make-args $(TEST_BUILD) $(TEST_BUILD).make-args \
		build/mpy-cross build/micropython build/micropython-test build/reference build/variants \
		build/micropython-reference build/micropython-libcalloc

include ports/qemu/qemu.mk

include bench/bench.mk
include tests/reliability/reliability.mk
