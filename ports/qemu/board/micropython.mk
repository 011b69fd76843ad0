# The board glue every qemu firmware of ours links (a user C module, so the
# port's own Makefile stays untouched): the clock, the emulator's test
# entropy and the instruction counter `make footprint` reads (icount.c).
# (Mbed TLS's snprintf is MicroPython's shared/libc/printf.c, which extmod.mk
# already builds.)
SRC_USERMOD_C += $(USERMOD_DIR)/mpssl_port_qemu.c
SRC_USERMOD_C += $(USERMOD_DIR)/mpssl_test_entropy_qemu.c
SRC_USERMOD_C += $(USERMOD_DIR)/icount.c
CFLAGS_USERMOD += -I$(USERMOD_DIR)
