# The board glue every qemu firmware of ours links (a user C module, so the
# port's own Makefile stays untouched): the clock, the emulator's test
# entropy and the instruction counter `make footprint` reads (icount.c).
# (Mbed TLS's snprintf is MicroPython's shared/libc/printf.c, which extmod.mk
# already builds.)
SRC_USERMOD_C += $(USERMOD_DIR)/mpssl_port_qemu.c
SRC_USERMOD_C += $(USERMOD_DIR)/mpssl_test_entropy_qemu.c
SRC_USERMOD_C += $(USERMOD_DIR)/icount.c
CFLAGS_USERMOD += -I$(USERMOD_DIR)

# make qemu-options' p256-m firmware (options/p256m_driver.h) compiles the
# driver Mbed TLS bundles outside its library/ directory.
ifneq ($(findstring p256m_driver,$(CFLAGS_EXTRA)),)
P256M_DIR := $(MBEDTLS_SRC)/3rdparty/p256-m
SRC_USERMOD_LIB_C += $(P256M_DIR)/p256-m_driver_entrypoints.c $(P256M_DIR)/p256-m/p256-m.c
CFLAGS_USERMOD += -I$(P256M_DIR) -I$(MBEDTLS_SRC)/library
endif
