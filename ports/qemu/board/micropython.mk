# The board glue every qemu firmware of ours links (a user C module, so the
# port's own Makefile stays untouched): the clock and the emulator's test
# entropy. (Mbed TLS's snprintf is MicroPython's shared/libc/printf.c, which
# extmod.mk already builds: the port links no libc.)
SRC_USERMOD_C += $(USERMOD_DIR)/mpssl_port_qemu.c
SRC_USERMOD_C += $(USERMOD_DIR)/mpssl_test_entropy_qemu.c
CFLAGS_USERMOD += -I$(USERMOD_DIR)
