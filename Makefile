# mpssl: MicroPython's ssl module on Mbed TLS.
#
#   make          fetch MicroPython and Mbed TLS (first run), build build/micropython:
#                 the product, without test hooks
#   make demo     build, then run the demo (a verified TLS connection on loopback)
#   make test-build  build/micropython-test: the same with MPSSL_TESTING=1 (the
#                 _mpssl_testing module: in-memory pipes, allocation-failure injection),
#                 the binary the tests run
#   make test     build both, then run every test
#   make test-1.26   the same module on MicroPython 1.26.1: build/micropython-1.26 and its suites
#   make test-fullbuf   the test build with MPSSL_IN_BUFFER_INITIAL=0 and a few suites on it
#   make bench    benchmarks against upstream MicroPython and CPython
#                 (BENCH=quick: the short CI variant)
#   make check-mbedtls-release   is there a Mbed TLS 3.6 release newer than our pin?
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

.PHONY: all deps deps-1.26 micropython-1.26 demo test test-build test-1.26 test-data clean check-mbedtls-release \
	fullbuf test-fullbuf

all: build/micropython test-data

# What the build, the demo and the tests need from Debian.
BUILD_PACKAGES := build-essential dpkg-dev patch python3 openssl iproute2 util-linux ca-certificates

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

# The test build with MPSSL_IN_BUFFER_INITIAL=0 (mbedtls_config_mpssl.h: input buffers at
# their full size from the start, a configuration users may choose), into build/unix-fullbuf;
# make test-fullbuf runs FULLBUF_SUITES on it. Patch 0004's TLS tests only fail without the
# patch here: the default build grows a shrunk input buffer back for a large record. Left
# out: the tests that hold the default configuration's heap figures and record sizes (this
# one keeps 16 kB of input buffer per connection and sends records of at most 4 kB).
FULLBUF_BUILD := $(ROOT)/build/unix-fullbuf
FULLBUF_SUITES ?= ssl multi multi-cpython dtls-openssl
FULLBUF_SKIP ?= max_fragment_length_shrinks_buffers

fullbuf: build/micropython-fullbuf

build/micropython-fullbuf: $(MICROPY_PATCHED) $(MBEDTLS_PATCHED) $(MPSSL_SOURCES) $(MPY_CROSS)
	$(call build_unix,$(FULLBUF_BUILD),$(TEST_MAKE_ARGS) CFLAGS_EXTRA=-DMPSSL_IN_BUFFER_INITIAL=0,$@)

test-fullbuf: build/micropython-fullbuf
	MPSSL_MICROPYTHON=$(ROOT)/build/micropython-fullbuf \
		python3 tools/run-tests.py $(addprefix --suite ,$(FULLBUF_SUITES)) $(addprefix --skip ,$(FULLBUF_SKIP))

# MicroPython 1.26.1 (Debian testing) beside 1.25.0: the same module on the same patched Mbed
# TLS with the test hooks (its suites need them), built into build/unix-1.26
# (make build/micropython-1.26), with patches/micropython
# applied to that tree too; make test-1.26 runs MICROPY_126_SUITES against it, with 1.26's own
# test runners and ssl tests (tests/upstream/exp/1.26 holds that version's expectations).
MICROPY_126_SRC ?= $(DEPS)/micropython-1.26
MICROPY_126_PATCHED := $(MICROPY_126_SRC)/.mpssl-patched
# Every suite that runs the unix binary; not native (C programs on Mbed TLS alone) nor the qemu
# ones (firmware built from the 1.25 tree).
MICROPY_126_SUITES ?= ssl multi multi-cpython dtls dtls-openssl records hostile reliability upstream

$(DEPS)/.fetched-1.26:
	@tools/ensure-packages.sh $(BUILD_PACKAGES)
	@if [ "$(MICROPY_126_SRC)" = "$(DEPS)/micropython-1.26" ]; then tools/fetch-sources.sh $(DEPS) micropython-1.26; fi
	@test -f $(MICROPY_126_SRC)/py/mpconfig.h || { echo "MicroPython 1.26 source not found at $(MICROPY_126_SRC)"; exit 1; }
	@mkdir -p $(DEPS) && touch $@

$(MICROPY_126_PATCHED): $(DEPS)/.fetched-1.26 $(MICROPY_PATCHES)
	$(call apply_patches,$(MICROPY_126_SRC),$(MICROPY_PATCHES))

build/micropython-1.26: $(MICROPY_126_PATCHED) $(MBEDTLS_PATCHED) $(MPSSL_SOURCES)
	@echo "mpssl: building MicroPython $$(cat $(MICROPY_126_SRC)/.debian-version 2>/dev/null) (unix port) with mpssl"
	$(MAKE) -C $(MICROPY_126_SRC)/mpy-cross -j$(JOBS) BUILD=$(ROOT)/build/mpy-cross-1.26
	$(MAKE) -C $(MICROPY_126_SRC)/ports/unix -j$(JOBS) $(filter-out BUILD=%,$(TEST_MAKE_ARGS)) BUILD=$(ROOT)/build/unix-1.26 \
		MICROPY_MPYCROSS=$(ROOT)/build/mpy-cross-1.26/mpy-cross MICROPY_MPYCROSS_DEPENDENCY=$(ROOT)/build/mpy-cross-1.26/mpy-cross
	cp build/unix-1.26/micropython $@.tmp && mv -f $@.tmp $@

deps-1.26: $(MICROPY_126_PATCHED) $(MBEDTLS_PATCHED)

micropython-1.26: build/micropython-1.26

test-1.26: build/micropython-1.26
	MPSSL_MICROPYTHON=$(ROOT)/build/micropython-1.26 MPSSL_UPSTREAM_TESTS=$(MICROPY_126_SRC)/tests \
		python3 tools/run-tests.py $(addprefix --suite ,$(MICROPY_126_SUITES))

demo: build/micropython
	python3 tools/demo.py

# The tests run build/micropython-test; the product suite checks build/micropython.
test: build/micropython build/micropython-test test-data
	python3 tools/run-tests.py

# What the constant-flow and wycheproof suites need beyond the build (fetched now: the tests
# may run without a network): valgrind, and Wycheproof's vectors from Debian's source package.
WYCHEPROOF := $(DEPS)/wycheproof/.debian-version
test-data: $(WYCHEPROOF)
	@tools/ensure-packages.sh valgrind

$(WYCHEPROOF): | $(DEPS)/.fetched
	tools/fetch-sources.sh $(DEPS) wycheproof

# Says whether Debian offers a Mbed TLS 3.6 release newer than the one pinned in
# tools/fetch-sources.sh (exit status 3 if it does).
check-mbedtls-release:
	tools/fetch-sources.sh $(DEPS) check-mbedtls

clean:
	rm -rf $(UNIX_BUILD) $(UNIX_BUILD).make-args $(TEST_BUILD) $(TEST_BUILD).make-args \
		build/mpy-cross build/micropython build/micropython-test build/reference build/variants \
		build/micropython-reference build/micropython-libcalloc \
		build/unix-1.26 build/mpy-cross-1.26 build/micropython-1.26 \
		$(FULLBUF_BUILD) $(FULLBUF_BUILD).make-args build/micropython-fullbuf

include ports/qemu/qemu.mk

include bench/bench.mk
include tests/reliability/reliability.mk

# The certificates tutorial's PKI: docs/tutorial-certificates.md's own openssl commands, run
# in build/tutorial-pki (the docs suite makes a fresh one for each run).
.PHONY: tutorial-pki
tutorial-pki:
	rm -rf build/tutorial-pki
	python3 tests/docs/doc_examples.py --pki build/tutorial-pki
