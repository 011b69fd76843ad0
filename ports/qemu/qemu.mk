# mpssl on bare metal: MicroPython's qemu port with our ssl module, built
# from the same Debian source tree as the unix build, on two emulated boards
# with a 140 KiB GC heap each: MPS2_AN385 (Cortex-M3) and VIRT_RV32
# (rv32imac). Included by the top-level Makefile.
#
#   make qemu         build $(QEMU_BUILD_<arch>)/$(MPSSL_PROFILE)/firmware.elf
#   make test-qemu    build it, run tests/qemu on the emulated board
#   make footprint    build four firmwares per board (no TLS, upstream's TLS,
#                     our small and full profiles), measure flash, the heap
#                     and the instructions an in-memory handshake needs;
#                     writes build/footprint.json
#   make qemu-options build the small profile with each Mbed TLS option in
#                     ports/qemu/options, measure each as footprint does
#   make repl-qemu    a REPL on the emulated board (exit: Ctrl-A X)
#
#   MPSSL_PROFILE=small|full   (default small) see mpssl/mbedtls_profile_*.h
#   MPSSL_QEMU_ARCH=arm|rv32   (default arm) the board
#   MPSSL_CA_BUNDLE=1|0        the default CAs frozen in flash (default: 1 in
#                              the full profile, 0 in the small)
#   MPSSL_CA_BUNDLE_EXTRA=FILE.pem ...   your roots, frozen beside the system's
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
MPSSL_QEMU_ARCH ?= arm

QEMU_DIR := $(ROOT)/ports/qemu
# What both boards share (test certificates, the patched linker script) and
# the Cortex-M3 firmwares live in build/qemu; the RISC-V ones in build/qemu-rv32.
QEMU_BUILD := $(ROOT)/build/qemu
QEMU_ARCHS := arm rv32
QEMU_BUILD_arm := $(QEMU_BUILD)
QEMU_BUILD_rv32 := $(ROOT)/build/qemu-rv32
QEMU_BOARD_arm := MPS2_AN385
QEMU_BOARD_rv32 := VIRT_RV32
QEMU_PACKAGES := ca-certificates gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm python3-serial \
	gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc
# Debian's Python, which has the python3-serial package (pyboard.py, which
# run-tests.py uses to reach the board, needs it), whatever python3 is first
# on PATH.
QEMU_PYTHON := /usr/bin/python3
QEMU_MPY_CROSS := $(MPY_CROSS)
QEMU_TESTCERTS := $(QEMU_BUILD)/frozen/mpssl_testcerts.py

# How run-tests.py and the footprint script start each board (the port's
# QEMU_ARGS; -semihosting gives the board glue its clock and test entropy).
QEMU_SYSTEM_ARGS_arm := qemu-system-arm -machine mps2-an385 -nographic -monitor null -semihosting
QEMU_SYSTEM_ARGS_rv32 := qemu-system-riscv32 -machine virt -bios none -nographic -monitor null -semihosting
QEMU_SYSTEM_ARGS := $(QEMU_SYSTEM_ARGS_$(MPSSL_QEMU_ARCH))

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

.PHONY: qemu test-qemu footprint qemu-options repl-qemu qemu-tools qemu-force

qemu-tools:
	@$(ROOT)/tools/ensure-packages.sh $(QEMU_PACKAGES)

# Test certificates and keys, generated here and frozen as bytes.
$(QEMU_TESTCERTS): $(ROOT)/tools/make-certs.sh $(QEMU_DIR)/make_testcerts.py $(QEMU_DIR)/make_ca_bundle.py \
		$(ROOT)/tools/mpssl_truststore.py | qemu-tools
	$(ROOT)/tools/make-certs.sh $(QEMU_BUILD)/certs
	@mkdir -p $(dir $@)
	python3 $(QEMU_DIR)/make_testcerts.py $(QEMU_BUILD)/certs $@

# The default CAs (SSLContext.load_default_certs(), docs/trust-store.md), a
# build option: Debian's system bundle (the ca-certificates package's Mozilla
# roots) and MPSSL_CA_BUNDLE_EXTRA, converted by tools/mpssl_truststore.py
# when the firmware is built and frozen as _mpssl_ca_bundle.STORE, which the
# context reads in place from flash. On in the full profile, off in the small
# (MPSSL_CA_BUNDLE=1|0 overrides both). QEMU_CA_BUNDLE_<variant> lists the
# PEM files converted, none where the option is off; make_ca_bundle.py writes
# the module into the firmware's ca-bundle directory, which the manifest
# freezes whole. The test firmware of a profile with the bundle,
# <profile>-testca, freezes the same bundle with the test CA appended: the
# product's code path, given a root whose key the tests hold.
QEMU_SYSTEM_CAS := /etc/ssl/certs/ca-certificates.crt
MPSSL_CA_BUNDLE_EXTRA ?=
QEMU_CA_BUNDLE_ON_small := $(or $(MPSSL_CA_BUNDLE),0)
QEMU_CA_BUNDLE_ON_full := $(or $(MPSSL_CA_BUNDLE),1)
qemu_ca_bundle = $(if $(filter 1,$(QEMU_CA_BUNDLE_ON_$(1))),$(QEMU_SYSTEM_CAS) $(MPSSL_CA_BUNDLE_EXTRA))
QEMU_CA_BUNDLE_small := $(call qemu_ca_bundle,small)
QEMU_CA_BUNDLE_full := $(call qemu_ca_bundle,full)
QEMU_CA_BUNDLE_small-testca := $(QEMU_CA_BUNDLE_small) $(QEMU_BUILD)/certs/ca.crt.pem
QEMU_CA_BUNDLE_full-testca := $(QEMU_CA_BUNDLE_full) $(QEMU_BUILD)/certs/ca.crt.pem

QEMU_SOURCES := $(wildcard $(ROOT)/mpssl/*.c $(ROOT)/mpssl/*.h $(ROOT)/mpssl/*.mk \
	$(QEMU_DIR)/*.h $(QEMU_DIR)/*.py $(QEMU_DIR)/board/* $(QEMU_DIR)/upstream/*)

# The port's Cortex-M3 linker script with our fix (mps2-ld-exidx.patch, see
# there); the RISC-V board links with the port's own.
QEMU_LDSCRIPT := $(QEMU_BUILD)/mps2.ld
$(QEMU_LDSCRIPT): $(QEMU_DIR)/mps2-ld-exidx.patch $(MICROPY_PATCHED)
	@mkdir -p $(dir $@)
	cp $(MICROPY_SRC)/ports/qemu/mcu/arm/mps2.ld $@.tmp
	patch -s $@.tmp < $(QEMU_DIR)/mps2-ld-exidx.patch
	mv $@.tmp $@
QEMU_LDSCRIPT_arm := $(QEMU_LDSCRIPT)
QEMU_LDSCRIPT_rv32 :=

# The RISC-V port asks for -march=rv32imac_zicsr, which Debian's GCC 12 maps
# to no multilib (it would link the rv64 libgcc); rv32imac does map, and the
# 2.2 ISA spec still counts the CSR instructions in it (Zicsr came later).
# (The board's name for its MCU is then said again without the option.)
QEMU_MAKE_ARGS_arm :=
QEMU_MAKE_ARGS_rv32 := RV32_ARCH='rv32imac -misa-spec=2.2'
QEMU_CFLAGS_ARCH_arm :=
QEMU_CFLAGS_ARCH_rv32 := -UMICROPY_HW_MCU_NAME -DMICROPY_HW_MCU_NAME=\"rv32imac\"

# One firmware per board and variant: $(call qemu_firmware_rule,ARCH).
# USER_C_MODULES is a directory of links to the variant's modules; the
# port's make does the rest.
define qemu_firmware_rule
$(QEMU_BUILD_$(1))/%/ca-bundle.files: qemu-force
	@mkdir -p $$(@D)
	@echo '$$(strip $$(QEMU_CA_BUNDLE_$$*))' | cmp -s - $$@ || echo '$$(strip $$(QEMU_CA_BUNDLE_$$*))' > $$@
$(QEMU_BUILD_$(1))/%/firmware.elf: $(MICROPY_PATCHED) $(MBEDTLS_PATCHED) $(QEMU_MPY_CROSS) $(QEMU_TESTCERTS) $(QEMU_LDSCRIPT_$(1)) $(QEMU_SOURCES) \
		$(ROOT)/tools/mpssl_truststore.py $(wildcard $(QEMU_SYSTEM_CAS) $(MPSSL_CA_BUNDLE_EXTRA)) \
		$(QEMU_BUILD_$(1))/%/ca-bundle.files | qemu-tools
	$(QEMU_PYTHON) $(QEMU_DIR)/make_ca_bundle.py $(QEMU_BUILD_$(1))/$$*/ca-bundle $$(QEMU_CA_BUNDLE_$$*)
	@# The port regenerates its frozen modules only for a newer input, not for one gone (the
	@# bundle after MPSSL_CA_BUNDLE=0): a new list of bundles starts them afresh.
	@if [ $(QEMU_BUILD_$(1))/$$*/ca-bundle.files -nt $(QEMU_BUILD_$(1))/$$*/frozen_content.c ]; then \
		rm -f $(QEMU_BUILD_$(1))/$$*/frozen_content.c; fi
	@rm -rf $(QEMU_BUILD_$(1))/$$*/modules && mkdir -p $(QEMU_BUILD_$(1))/$$*/modules
	@for m in $$(QEMU_MODULES_$$*); do \
		case $$$$m in mpssl) src=$(ROOT)/mpssl ;; *) src=$(QEMU_DIR)/$$$$m ;; esac; \
		ln -s $$$$src $(QEMU_BUILD_$(1))/$$*/modules/$$$$m; \
	done
	$(MAKE) -C $(MICROPY_SRC)/ports/qemu -j$(JOBS) BOARD=$(QEMU_BOARD_$(1)) \
		BUILD=$(QEMU_BUILD_$(1))/$$* \
		USER_C_MODULES=$(QEMU_BUILD_$(1))/$$*/modules \
		MBEDTLS_SRC=$(abspath $(MBEDTLS_SRC)) \
		FROZEN_MANIFEST=$(QEMU_DIR)/manifest.py MICROPY_MANIFEST_MPSSL_CA_BUNDLE=$(QEMU_BUILD_$(1))/$$*/ca-bundle $(if $(QEMU_LDSCRIPT_$(1)),LDSCRIPT=$(QEMU_LDSCRIPT_$(1))) \
		MICROPY_MPYCROSS=$(QEMU_MPY_CROSS) MICROPY_MPYCROSS_DEPENDENCY=$(QEMU_MPY_CROSS) \
		$(QEMU_MAKE_ARGS_$(1)) CFLAGS_EXTRA='$(QEMU_CFLAGS) $(QEMU_CFLAGS_ARCH_$(1)) $$(QEMU_CFLAGS_$$*)'
	@touch $$@
endef
$(foreach a,$(QEMU_ARCHS),$(eval $(call qemu_firmware_rule,$(a))))
.PRECIOUS: $(foreach a,$(QEMU_ARCHS),$(QEMU_BUILD_$(a))/%/ca-bundle.files)

# A profile's test firmware, <profile>-testca: a copy of the product
# firmware's objects, where only the frozen modules change.
define qemu_testca_rule
QEMU_MODULES_$(2)-testca := $(QEMU_MODULES_$(2))
QEMU_CFLAGS_$(2)-testca := $(QEMU_CFLAGS_$(2))
$(QEMU_BUILD_$(1))/$(2)-testca/ca-bundle.files: $(QEMU_BUILD_$(1))/$(2)-testca/.seeded
$(QEMU_BUILD_$(1))/$(2)-testca/.seeded: | $(QEMU_BUILD_$(1))/$(2)/firmware.elf
	rm -rf $$(dir $$@) && cp -a $(QEMU_BUILD_$(1))/$(2) $$(dir $$@)
	rm -f $$(dir $$@)ca-bundle.files
	touch $$@
endef
$(foreach a,$(QEMU_ARCHS),$(foreach p,small full,$(eval $(call qemu_testca_rule,$(a),$(p)))))

QEMU_FIRMWARES := $(foreach a,$(QEMU_ARCHS),$(foreach v,$(QEMU_VARIANTS) full-testca,$(QEMU_BUILD_$(a))/$(v)/firmware.elf))
.SECONDARY: $(QEMU_FIRMWARES)

QEMU_FIRMWARE := $(QEMU_BUILD_$(MPSSL_QEMU_ARCH))/$(MPSSL_PROFILE)/firmware.elf
QEMU_RESULTS := $(QEMU_BUILD_$(MPSSL_QEMU_ARCH))/results-$(MPSSL_PROFILE)
# The tests run on the profile's test firmware where it has the bundle.
QEMU_TEST_FIRMWARE := $(QEMU_BUILD_$(MPSSL_QEMU_ARCH))/$(MPSSL_PROFILE)$(if $(filter 1,$(QEMU_CA_BUNDLE_ON_$(MPSSL_PROFILE))),-testca)/firmware.elf
qemu: $(QEMU_FIRMWARE)

# MicroPython's own test runner against the emulated board, one freshly
# booted board per test file: between the files of one run, run-tests.py
# soft-resets the board, and mpssl's shared random generator and PSA state
# (static, set up once) then point into the old heap (see README).
# The board dies with run-tests.py (setpriv --pdeathsig): run-tests.py does
# not stop it when a test times out, and a hung board spins a core forever.
QEMU_TESTS := $(sort $(wildcard $(ROOT)/tests/qemu/*.py))
test-qemu: $(QEMU_TEST_FIRMWARE)
	@cd $(MICROPY_SRC)/tests && failed=""; for t in $(QEMU_TESTS); do \
		$(QEMU_PYTHON) ./run-tests.py \
			-t execpty:"setpriv --pdeathsig KILL $(QEMU_SYSTEM_ARGS) -serial pty -kernel $<" \
			--result-dir $(QEMU_RESULTS) $$t | grep -E "^(pass|FAIL|skip) " \
			|| failed="$$failed $$(basename $$t)"; \
		grep -q '"failed_tests": \[\]' $(QEMU_RESULTS)/_results.json \
			|| failed="$$failed $$(basename $$t)"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-qemu ($(MPSSL_QEMU_ARCH) $(MPSSL_PROFILE)): FAILED:$$failed"; exit 1; fi; \
	echo "test-qemu ($(MPSSL_QEMU_ARCH) $(MPSSL_PROFILE)): all tests passed"

repl-qemu: $(QEMU_FIRMWARE)
	$(QEMU_SYSTEM_ARGS) -serial mon:stdio -kernel $<

# Mbed TLS's options for 32-bit cores, each measured against the small
# profile (README, "Handshake instructions"): one firmware per header in
# ports/qemu/options, the small profile with that header read last
# (MPSSL_QEMU_CONFIG_EXPERIMENT), built into small-<option>. Each starts from
# a copy of the small firmware's objects, less those that read the Mbed TLS
# configuration (their .P files name it), so only those are compiled again.
#   make qemu-options [MPSSL_QEMU_ARCH=arm|rv32]
QEMU_OPTIONS := $(sort $(basename $(notdir $(wildcard $(QEMU_DIR)/options/*.h))))
define qemu_option_rule
QEMU_MODULES_small-$(2) := board mpssl
QEMU_CFLAGS_small-$(2) := $(QEMU_CFLAGS_small) -DMPSSL_QEMU_CONFIG_EXPERIMENT=\"options/$(2).h\"
$(QEMU_BUILD_$(1))/small-$(2)/firmware.elf: $(QEMU_BUILD_$(1))/small-$(2)/.seeded
$(QEMU_BUILD_$(1))/small-$(2)/.seeded: | $(QEMU_BUILD_$(1))/small/firmware.elf
	rm -rf $$(dir $$@) && cp -a $(QEMU_BUILD_$(1))/small $$(dir $$@)
	grep -rl --include='*.P' mbedtls_config_mpssl.h $$(dir $$@) | sed 's/\.P$$$$/.o/' | xargs rm -f
	touch $$@
endef
$(foreach a,$(QEMU_ARCHS),$(foreach o,$(QEMU_OPTIONS),$(eval $(call qemu_option_rule,$(a),$(o)))))

QEMU_OPTION_FIRMWARES := $(foreach o,base small $(addprefix small-,$(QEMU_OPTIONS)),\
	$(QEMU_BUILD_$(MPSSL_QEMU_ARCH))/$(o)/firmware.elf)
qemu-options: $(QEMU_OPTION_FIRMWARES)
	$(QEMU_PYTHON) $(QEMU_DIR)/footprint.py --build $(ROOT)/build --micropython $(MICROPY_SRC) \
		--mbedtls $(abspath $(MBEDTLS_SRC)) \
		$(foreach a,$(QEMU_ARCHS),--qemu-$(a) "$(QEMU_SYSTEM_ARGS_$(a))") \
		$(foreach o,small $(addprefix small-,$(QEMU_OPTIONS)),--option $(MPSSL_QEMU_ARCH) $(o))

footprint: $(QEMU_FIRMWARES)
	$(QEMU_PYTHON) $(QEMU_DIR)/footprint.py --build $(ROOT)/build --micropython $(MICROPY_SRC) \
		--mbedtls $(abspath $(MBEDTLS_SRC)) \
		$(foreach a,$(QEMU_ARCHS),--qemu-$(a) "$(QEMU_SYSTEM_ARGS_$(a))") \
		--json $(ROOT)/build/footprint.json
