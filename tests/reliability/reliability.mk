# Reliability and security (issue #7), included by the top-level Makefile.
#
#   make asan              build/asan/micropython: our test binary with AddressSanitizer,
#                          UndefinedBehaviorSanitizer and LeakSanitizer (clang), Mbed TLS on
#                          libc's allocator
#   make test-asan         the test suite (tools/run-tests.py) on the sanitizer build: every
#                          suite that runs our unix binary, and the API fuzzer (ASAN_SUITES)
#   make test-valgrind     the TLS and DTLS client/server tests under valgrind memcheck
#   make test-reliability  tests/reliability and tests/hostile on build/micropython-test
#   make alloc-sweep-full  fail every TLS allocation in turn, TLS 1.2 and 1.3 (minutes)
#   make soak              5 000 in-memory handshakes, 100 concurrent asyncio connections
#                          (about 75 s; not in CI)
#   make fuzz-api          the API fuzzer (fuzz/api/) on build/asan for API_FUZZ_SECONDS (75)
#   make fuzz-api-long     the same for API_FUZZ_LONG_SECONDS (default 1800)
#   make fuzz              build the libFuzzer harnesses (build/fuzz/)
#   make fuzz-short        every harness for FUZZ_SECONDS (default 60) each: CI-sized
#   make fuzz-long         every harness for FUZZ_LONG_SECONDS (default 1800) each
#   make fuzz-corpus       re-record the seed corpora (fuzz/corpus/) from real handshakes
#
# .ci/run builds build/asan and build/fuzz, then runs test-asan and fuzz-short while the
# ordinary suites run. All of them build what they need first. clang and its sanitizer and
# fuzzer runtimes, and valgrind, are Debian packages installed when missing.

RELIABILITY_DIR := $(ROOT)/tests/reliability
ASAN_BUILD := $(ROOT)/build/asan
ASAN_BIN := $(ASAN_BUILD)/micropython
SANITIZER_PACKAGES := clang libclang-rt-14-dev
VALGRIND_PACKAGES := valgrind

# ASan + UBSan + LSan. UBSan reports are fatal (halt_on_error=1 below) so that a report fails
# the test that caused it instead of scrolling by; its checks stay recoverable in the code
# because only those honour a suppressions file. -O1 keeps the suite's run time reasonable
# and stack traces readable; STRIP= keeps the symbols. MPSSL_ALLOC_LIBC: Mbed TLS's blocks
# come from libc, each with ASan's red zones and quarantine (mpssl/ssl_alloc.c), not from the
# GC heap (one block to ASan, where an overrun or a use after free inside Mbed TLS goes unseen).
# -fsanitize-address-use-after-return=never: the fake stack is off at run time anyway (see
# ASAN_ENV), and with it compiled in ("runtime", clang's default) every frame's locals sit at an
# address chosen at entry and kept in a spill slot; a raise (nlr_jump) back into nlr_push()
# then finds that slot reused by the code the raise skipped, and the volatile locals of the
# `else` branch are read through garbage (mpssl/ssl_truststore.c, ssl_anchors_lookup).
SANITIZER_IGNORE := $(RELIABILITY_DIR)/sanitizer-ignore.txt
ASAN_CFLAGS := -fsanitize=address,undefined -fsanitize-ignorelist=$(SANITIZER_IGNORE) -DMPSSL_ALLOC_LIBC \
	-fsanitize-address-use-after-return=never -fno-omit-frame-pointer -g
ASAN_MAKE_ARGS := $(TEST_MAKE_ARGS) BUILD=$(ASAN_BUILD)/obj CC=clang \
	COPT="-O1 -DNDEBUG" STRIP= \
	CFLAGS_EXTRA="$(ASAN_CFLAGS)" LDFLAGS_EXTRA="-fsanitize=address,undefined"

# How the sanitizers run (exported to the tests through the environment).
# detect_stack_use_after_return=0: MicroPython's conservative GC scans the C stack, and a
# fake stack would hide live pointers from it. detect_leaks=1 is LSan at exit; the GC heap
# is one allocation, so LSan sees libc leaks (ours or MicroPython's), not GC-heap ones:
# the tests check those with _mpssl_testing.live_allocations(). quarantine_size_mb=16: freed
# blocks stay poisoned until 16 MB more are freed (plenty for a connection's life) and the
# process's resident memory stays bounded (tests/ssl/memory_returns_to_start_after_loops.py
# allows for it). The suppressions file says why each entry is there.
ASAN_ENV := \
	ASAN_OPTIONS=detect_stack_use_after_return=0:detect_leaks=1:quarantine_size_mb=16:abort_on_error=1:strict_string_checks=1:check_initialization_order=1:detect_invalid_pointer_pairs=0 \
	LSAN_OPTIONS=suppressions=$(RELIABILITY_DIR)/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$(RELIABILITY_DIR)/ubsan.supp

.PHONY: asan test-asan test-valgrind test-reliability alloc-sweep-full soak \
	fuzz fuzz-short fuzz-long fuzz-corpus fuzz-api fuzz-api-long sanitizer-tools

sanitizer-tools:
	@$(ROOT)/tools/ensure-packages.sh $(SANITIZER_PACKAGES)

asan: $(ASAN_BIN)

$(ASAN_BIN): $(MICROPY_PATCHED) $(MBEDTLS_PATCHED) $(MPSSL_SOURCES) $(MPY_CROSS) \
		$(RELIABILITY_DIR)/reliability.mk $(SANITIZER_IGNORE)
	@$(ROOT)/tools/ensure-packages.sh $(SANITIZER_PACKAGES)$(call fresh_objects,$(ASAN_BUILD)/obj,$(ASAN_MAKE_ARGS))
	$(MAKE) -C $(MICROPY_SRC)/ports/unix -j$(JOBS) $(ASAN_MAKE_ARGS) \
		MICROPY_MPYCROSS=$(MPY_CROSS) MICROPY_MPYCROSS_DEPENDENCY=$(MPY_CROSS)
	cp $(ASAN_BUILD)/obj/micropython $@.tmp && mv -f $@.tmp $@

# Every suite that runs the binary under test: all but the qemu ones, which run the firmware
# on the emulated board instead. Each of them drives our TLS or DTLS code (handshakes against
# OpenSSL, CPython and ourselves, hostile peers, DTLS through a lossy proxy, failed
# allocations, MicroPython's own ssl and asyncio TLS tests); the whole set takes about 90 s on
# the sanitizer build, so none is left out. A suite added to tools/run-tests.py joins by itself.
# The product suite checks build/micropython, not the binary under test, and stays out, as do
# the suites of C programs over Mbed TLS alone (native, constant-flow, wycheproof: they never
# run the binary); the API fuzzer (not a default suite: it wants the sanitizers) joins.
ASAN_SUITES = $(filter-out qemu-% product native constant-flow wycheproof,$(sort $(shell python3 tools/run-tests.py --list | cut -d: -f1))) apifuzz
ASAN_TEST_ARGS ?= $(addprefix --suite ,$(ASAN_SUITES))

test-asan: $(ASAN_BIN)
	$(ASAN_ENV) MPSSL_MICROPYTHON=$(ASAN_BIN) MPSSL_API_FUZZ_SECONDS=$(API_FUZZ_SECONDS) \
		python3 tools/run-tests.py $(ASAN_TEST_ARGS)

# ---- The API fuzzer (fuzz/api/apifuzz.py) ----------------------------------------------
# Seeded random sequences of calls on contexts, sockets and sessions, with callbacks and
# Python streams that re-enter, close, raise, keep their arguments and lie about counts, on
# the sanitizer build. A failure prints its seed and a reduced script (build/apifuzz/).
API_FUZZ_SECONDS ?= 75
API_FUZZ_LONG_SECONDS ?= 1800

fuzz-api fuzz-api-long: $(ASAN_BIN)
	@test -f build/certs/ca.crt.der || tools/make-certs.sh build/certs
	$(ASAN_ENV) MPSSL_CERTS=$(ROOT)/build/certs python3 fuzz/api/apifuzz.py --binary $(ASAN_BIN) \
		--seconds $(if $(filter fuzz-api-long,$@),$(API_FUZZ_LONG_SECONDS),$(API_FUZZ_SECONDS))

# ---- Fuzzing (fuzz/README.md) -----------------------------------------------------------
# The unix port again, compiled with libFuzzer's coverage instrumentation and the sanitizers,
# Mbed TLS on libc's allocator as in make asan (MPSSL_ALLOC_LIBC); fuzz/port.mk links one
# libFuzzer binary per target from its objects: build/fuzz/fuzz-<target>. The port's own
# binary, build/fuzz/obj/micropython, runs fuzz/replay.py on the same configuration.
FUZZ_DIR := $(ROOT)/fuzz
FUZZ_BUILD := $(ROOT)/build/fuzz
FUZZ_TARGETS := load tls_server tls_client dtls_server session
FUZZ_SECONDS ?= 60
FUZZ_LONG_SECONDS ?= 1800
FUZZ_CFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fsanitize-ignorelist=$(SANITIZER_IGNORE) \
	-fsanitize-address-use-after-return=never -fno-omit-frame-pointer -g -DMPSSL_ALLOC_LIBC
FUZZ_MAKE_ARGS := $(TEST_MAKE_ARGS) BUILD=$(FUZZ_BUILD)/obj CC=clang \
	COPT="-O1 -DNDEBUG" STRIP= \
	CFLAGS_EXTRA="$(FUZZ_CFLAGS)" LDFLAGS_EXTRA="-fsanitize=address,undefined" \
	FUZZ_DIR=$(FUZZ_DIR) FUZZ_OUT=$(FUZZ_BUILD) FUZZ_TARGETS="$(FUZZ_TARGETS)"
FUZZ_ENV := MPSSL_CERTS=$(ROOT)/build/certs $(ASAN_ENV)

fuzz: $(FUZZ_BUILD)/.built

$(FUZZ_BUILD)/.built: $(MICROPY_PATCHED) $(MBEDTLS_PATCHED) $(MPSSL_SOURCES) $(MPY_CROSS) \
		$(wildcard $(FUZZ_DIR)/*.c $(FUZZ_DIR)/*.h $(FUZZ_DIR)/*.py $(FUZZ_DIR)/*.mk) \
		$(RELIABILITY_DIR)/reliability.mk $(SANITIZER_IGNORE)
	@$(ROOT)/tools/ensure-packages.sh $(SANITIZER_PACKAGES)$(call fresh_objects,$(FUZZ_BUILD)/obj,$(FUZZ_MAKE_ARGS))
	@test -f build/certs/ca.crt.der || tools/make-certs.sh build/certs
	$(MAKE) -C $(MICROPY_SRC)/ports/unix -f Makefile -f $(FUZZ_DIR)/port.mk -j$(JOBS) \
		$(FUZZ_MAKE_ARGS) all fuzz-targets \
		MICROPY_MPYCROSS=$(MPY_CROSS) MICROPY_MPYCROSS_DEPENDENCY=$(MPY_CROSS)
	@touch $@

# tests/reliability/fuzz-run.sh: every target in turn, starting from its regressions
# (fuzz/regressions/<target>/), seeds and earlier finds; a failure leaves its input in
# build/fuzz/artifacts/. Ends with "N passed, N failed", one per target.
fuzz-short: fuzz
	$(FUZZ_ENV) $(RELIABILITY_DIR)/fuzz-run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-long: fuzz
	$(FUZZ_ENV) $(RELIABILITY_DIR)/fuzz-run.sh $(FUZZ_LONG_SECONDS) $(FUZZ_TARGETS)

fuzz-corpus: build/micropython-test
	@test -f build/certs/ca.crt.der || tools/make-certs.sh build/certs
	rm -rf $(FUZZ_DIR)/corpus
	mkdir -p $(FUZZ_DIR)/corpus
	MPSSL_CERTS=$(ROOT)/build/certs build/micropython-test $(FUZZ_DIR)/record_seeds.py $(FUZZ_DIR)/corpus

# ---- valgrind ---------------------------------------------------------------------------
# build/valgrind/micropython: gcc -O1 -g, symbols kept, Mbed TLS on libc's allocator
# (MPSSL_ALLOC_LIBC: memcheck then sees every TLS block on its own). Run through
# build/valgrind/micropython-memcheck, a wrapper the test harness takes as its binary.
VALGRIND_BUILD := $(ROOT)/build/valgrind
VALGRIND_BIN := $(VALGRIND_BUILD)/micropython
VALGRIND_MAKE_ARGS := $(TEST_MAKE_ARGS) BUILD=$(VALGRIND_BUILD)/obj COPT="-O1 -DNDEBUG" STRIP= \
	CFLAGS_EXTRA="-g -DMPSSL_ALLOC_LIBC"
VALGRIND_SUITES ?= --suite multi --suite multi-cpython --suite records --suite dtls --suite dtls-openssl
VALGRIND_OPTIONS := -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite --suppressions=$(RELIABILITY_DIR)/valgrind.supp

$(VALGRIND_BIN): $(MICROPY_PATCHED) $(MBEDTLS_PATCHED) $(MPSSL_SOURCES) $(MPY_CROSS)
	@$(ROOT)/tools/ensure-packages.sh $(VALGRIND_PACKAGES)$(call fresh_objects,$(VALGRIND_BUILD)/obj,$(VALGRIND_MAKE_ARGS))
	$(MAKE) -C $(MICROPY_SRC)/ports/unix -j$(JOBS) $(VALGRIND_MAKE_ARGS) \
		MICROPY_MPYCROSS=$(MPY_CROSS) MICROPY_MPYCROSS_DEPENDENCY=$(MPY_CROSS)
	cp $(VALGRIND_BUILD)/obj/micropython $@.tmp && mv -f $@.tmp $@
	printf '#!/bin/sh\nexec valgrind $(VALGRIND_OPTIONS) $(VALGRIND_BIN) "$$@"\n' > $(VALGRIND_BUILD)/micropython-memcheck
	chmod +x $(VALGRIND_BUILD)/micropython-memcheck

# The TLS and DTLS client/server tests (multitests: ours against ours and against CPython,
# DTLS also over a lossy or hostile proxy and against openssl) with every MicroPython instance
# under memcheck: any report, or a definite leak at exit, shows in the test's output and
# fails it.
test-valgrind: $(VALGRIND_BIN)
	MPSSL_MICROPYTHON=$(VALGRIND_BUILD)/micropython-memcheck python3 tools/run-tests.py $(VALGRIND_SUITES)

# ---- reliability, hostile peers, allocation failure, soak ------------------------------
test-reliability: build/micropython-test
	python3 tools/run-tests.py --suite reliability --suite hostile

alloc-sweep-full: build/micropython-test
	@test -f build/certs/ca.crt.der || tools/make-certs.sh build/certs
	cd $(RELIABILITY_DIR) && for t in alloc_failure_tls1*_every_step_raises_enomem.py; do \
		MPSSL_CERTS=$(ROOT)/build/certs MPSSL_ALLOC_SWEEP=full \
			$(or $(ALLOC_SWEEP_BIN),$(ROOT)/build/micropython-test) $$t > $(ROOT)/build/alloc-sweep-full.out 2>&1; \
		cat $(ROOT)/build/alloc-sweep-full.out; \
		diff -u $$t.exp $(ROOT)/build/alloc-sweep-full.out || exit 1; \
	done

SOAK_ENV := MPSSL_CERTS=$(ROOT)/build/certs MPSSL_PORT_BASE=$(or $(MPSSL_PORT_BASE),24600)

soak: build/micropython-test
	@test -f build/certs/ca.crt.der || tools/make-certs.sh build/certs
	$(SOAK_ENV) build/micropython-test $(RELIABILITY_DIR)/soak/sequential_handshakes.py
	$(SOAK_ENV) build/micropython-test -X heapsize=16M $(RELIABILITY_DIR)/soak/asyncio_concurrent.py
