# Read by the unix port's own Makefile, after it (tests/reliability/reliability.mk runs
# `make -C ports/unix -f Makefile -f fuzz/port.mk ... fuzz-targets`), so a fuzz target is
# compiled with exactly the port's CFLAGS and linked from its objects ($(OBJ)), less main.o:
# libFuzzer brings main(), fuzz/fuzz_mpssl.c initialises MicroPython itself.
FUZZ_DIR ?= $(dir $(lastword $(MAKEFILE_LIST)))
FUZZ_TARGETS ?= load tls_server tls_client dtls_server session
FUZZ_OUT ?= $(BUILD)/..

.PHONY: fuzz-targets
fuzz-targets: $(addprefix $(FUZZ_OUT)/fuzz-,$(FUZZ_TARGETS))

# The target's script (the prelude, then the target) as a C string.
$(BUILD)/fuzz_%_script.h: $(FUZZ_DIR)/_prelude.py $(FUZZ_DIR)/%.py $(FUZZ_DIR)/embed_script.py
	$(Q)python3 $(FUZZ_DIR)/embed_script.py $(FUZZ_DIR)/_prelude.py $(FUZZ_DIR)/$*.py > $@

$(FUZZ_OUT)/fuzz-%: $(FUZZ_DIR)/fuzz_mpssl.c $(BUILD)/fuzz_%_script.h $(OBJ)
	$(ECHO) "LINK $@"
	$(Q)$(CC) $(CFLAGS) -fsanitize=fuzzer -DFUZZ_SCRIPT_HEADER='"fuzz_$*_script.h"' \
		-o $@ $< $(filter-out %/main.o,$(OBJ)) $(LDFLAGS) -fsanitize=fuzzer
