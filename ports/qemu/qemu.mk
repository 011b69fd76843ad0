# mpssl on bare metal: MicroPython's qemu port (board MPS2_AN385, an
# emulated Cortex-M3 with a 140 KiB GC heap) with our ssl module, built from
# the same Debian source tree as the unix build. Included by the top-level
# Makefile.
#
#   make qemu         build build/qemu/$(MPSSL_PROFILE)/firmware.elf
#   make test-qemu    build it, run tests/qemu on the emulated board
#   make footprint    build four firmwares (no TLS, upstream's TLS, our small
#                     and full profiles), measure flash and the heap an
#                     in-memory handshake needs; writes build/footprint.json
#   make repl-qemu    a REPL on the emulated board (exit: Ctrl-A X)
#
#   MPSSL_PROFILE=small|full   (default small) see mpssl/mbedtls_profile_*.h
#
# The port itself is used as Debian ships it: everything it lacks comes in
# through make variables and two user C modules of ours, the board glue
# (ports/qemu/board: clock, test entropy, snprintf) and mpssl itself.
# The cross compiler and emulator are Debian packages, installed when
# missing.

ROOT ?= $(abspath .)
DEPS ?= $(ROOT)/build/deps
MICROPY_SRC ?= $(DEPS)/micropython
MBEDTLS_SRC ?= $(DEPS)/mbedtls
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
MPSSL_PROFILE ?= small

QEMU_DIR := $(ROOT)/ports/qemu
QEMU_BUILD := $(ROOT)/build/qemu
QEMU_PACKAGES := gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm python3-serial
# Debian's Python, which has the python3-serial package (pyboard.py, which
# run-tests.py uses to reach the board, needs it), whatever python3 is first
# on PATH.
QEMU_PYTHON := /usr/bin/python3
QEMU_MPY_CROSS := $(MPY_CROSS)
QEMU_TESTCERTS := $(QEMU_BUILD)/frozen/mpssl_testcerts.py

# How run-tests.py and the footprint script start the board (the port's
# QEMU_ARGS; -semihosting gives the board glue its clock and test entropy).
QEMU_SYSTEM_ARGS := qemu-system-arm -machine mps2-an385 -nographic -monitor null -semihosting

# The firmwares, by variant: base has no TLS at all (the reference for
# "what TLS adds"), upstream is extmod/modtls_mbedtls.c with upstream's
# bare-metal configuration, small and full are mpssl in its two profiles.
QEMU_VARIANTS := base upstream small full
QEMU_MODULES_base := board
QEMU_MODULES_upstream := board upstream
QEMU_MODULES_small := board mpssl
QEMU_MODULES_full := board mpssl

# MPSSL_QEMU_TEST_ENTROPY admits ports/qemu/board/mpssl_test_entropy_qemu.c:
# only these emulator builds define it. MICROPY_TRACKED_ALLOC gives Mbed TLS
# the GC heap (upstream's bare-metal ports enable it the same way).
QEMU_CFLAGS := -DMICROPY_TRACKED_ALLOC=1 -DMPSSL_QEMU_TEST_ENTROPY
QEMU_CFLAGS_base :=
QEMU_CFLAGS_upstream := -DMICROPY_PY_SSL=1 -DMICROPY_SSL_MBEDTLS=1
# Our Mbed TLS configuration, then mbedtls_config_qemu.h (named by
# MPSSL_MBEDTLS_CONFIG_USER): the profile, then the bare-metal platform.
QEMU_CFLAGS_MPSSL = -I$(QEMU_DIR) \
	-DMPSSL_MBEDTLS_CONFIG_USER=\"mbedtls_config_qemu.h\" \
	-DMPSSL_PROFILE_HEADER=\"mbedtls_profile_$(1).h\"
QEMU_CFLAGS_small := $(call QEMU_CFLAGS_MPSSL,small)
QEMU_CFLAGS_full := $(call QEMU_CFLAGS_MPSSL,full)

.PHONY: qemu test-qemu footprint repl-qemu qemu-tools

qemu-tools:
	@$(ROOT)/tools/ensure-packages.sh $(QEMU_PACKAGES)

# Test certificates and keys, generated here and frozen as bytes.
$(QEMU_TESTCERTS): $(ROOT)/tools/make-certs.sh $(QEMU_DIR)/make_testcerts.py $(ROOT)/tools/mpssl_truststore.py
	$(ROOT)/tools/make-certs.sh $(QEMU_BUILD)/certs
	@mkdir -p $(dir $@)
	python3 $(QEMU_DIR)/make_testcerts.py $(QEMU_BUILD)/certs $@

QEMU_SOURCES := $(wildcard $(ROOT)/mpssl/*.c $(ROOT)/mpssl/*.h $(ROOT)/mpssl/*.mk \
	$(QEMU_DIR)/*.h $(QEMU_DIR)/*.py $(QEMU_DIR)/board/* $(QEMU_DIR)/upstream/*)

# The port's linker script with our fix (mps2-ld-exidx.patch, see there).
QEMU_LDSCRIPT := $(QEMU_BUILD)/mps2.ld
$(QEMU_LDSCRIPT): $(QEMU_DIR)/mps2-ld-exidx.patch $(MICROPY_PATCHED)
	@mkdir -p $(dir $@)
	cp $(MICROPY_SRC)/ports/qemu/mcu/arm/mps2.ld $@.tmp
	patch -s $@.tmp < $(QEMU_DIR)/mps2-ld-exidx.patch
	mv $@.tmp $@

# One firmware per variant. USER_C_MODULES is a directory of links to the
# variant's modules; the port's make does the rest.
$(QEMU_BUILD)/%/firmware.elf: $(MICROPY_PATCHED) $(MBEDTLS_PATCHED) $(QEMU_MPY_CROSS) $(QEMU_TESTCERTS) $(QEMU_LDSCRIPT) $(QEMU_SOURCES) | qemu-tools
	@rm -rf $(QEMU_BUILD)/$*/modules && mkdir -p $(QEMU_BUILD)/$*/modules
	@for m in $(QEMU_MODULES_$*); do \
		case $$m in mpssl) src=$(ROOT)/mpssl ;; *) src=$(QEMU_DIR)/$$m ;; esac; \
		ln -s $$src $(QEMU_BUILD)/$*/modules/$$m; \
	done
	$(MAKE) -C $(MICROPY_SRC)/ports/qemu -j$(JOBS) BOARD=MPS2_AN385 \
		BUILD=$(QEMU_BUILD)/$* \
		USER_C_MODULES=$(QEMU_BUILD)/$*/modules \
		MBEDTLS_SRC=$(abspath $(MBEDTLS_SRC)) \
		FROZEN_MANIFEST=$(QEMU_DIR)/manifest.py LDSCRIPT=$(QEMU_LDSCRIPT) \
		MICROPY_MPYCROSS=$(QEMU_MPY_CROSS) MICROPY_MPYCROSS_DEPENDENCY=$(QEMU_MPY_CROSS) \
		CFLAGS_EXTRA='$(QEMU_CFLAGS) $(QEMU_CFLAGS_$*)'
	@touch $@

.SECONDARY: $(foreach v,$(QEMU_VARIANTS),$(QEMU_BUILD)/$(v)/firmware.elf)

qemu: $(QEMU_BUILD)/$(MPSSL_PROFILE)/firmware.elf

# MicroPython's own test runner against the emulated board, one freshly
# booted board per test file: between the files of one run, run-tests.py
# soft-resets the board, and mpssl's shared random generator and PSA state
# (static, set up once) then point into the old heap (see README).
# The board dies with run-tests.py (setpriv --pdeathsig): run-tests.py does
# not stop it when a test times out, and a hung board spins a core forever.
QEMU_TESTS := $(sort $(wildcard $(ROOT)/tests/qemu/*.py))
test-qemu: $(QEMU_BUILD)/$(MPSSL_PROFILE)/firmware.elf
	@cd $(MICROPY_SRC)/tests && failed=""; for t in $(QEMU_TESTS); do \
		$(QEMU_PYTHON) ./run-tests.py \
			-t execpty:"setpriv --pdeathsig KILL $(QEMU_SYSTEM_ARGS) -serial pty -kernel $<" \
			--result-dir $(QEMU_BUILD)/results-$(MPSSL_PROFILE) $$t | grep -E "^(pass|FAIL|skip) " \
			|| failed="$$failed $$(basename $$t)"; \
		grep -q '"failed_tests": \[\]' $(QEMU_BUILD)/results-$(MPSSL_PROFILE)/_results.json \
			|| failed="$$failed $$(basename $$t)"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-qemu ($(MPSSL_PROFILE)): FAILED:$$failed"; exit 1; fi; \
	echo "test-qemu ($(MPSSL_PROFILE)): all tests passed"

repl-qemu: $(QEMU_BUILD)/$(MPSSL_PROFILE)/firmware.elf
	$(QEMU_SYSTEM_ARGS) -serial mon:stdio -kernel $<

footprint: $(foreach v,$(QEMU_VARIANTS),$(QEMU_BUILD)/$(v)/firmware.elf)
	$(QEMU_PYTHON) $(QEMU_DIR)/footprint.py --build $(QEMU_BUILD) --micropython $(MICROPY_SRC) \
		--mbedtls $(abspath $(MBEDTLS_SRC)) --qemu "$(QEMU_SYSTEM_ARGS)" \
		--json $(ROOT)/build/footprint.json
