# mpssl as a MicroPython user C module (USER_C_MODULES). Mbed TLS is compiled
# from source with our configuration; MBEDTLS_SRC names its source tree.
MPSSL_DIR := $(USERMOD_DIR)
MBEDTLS_SRC ?= $(abspath $(MPSSL_DIR)/../build/deps/mbedtls)

SRC_USERMOD_C += $(addprefix $(MPSSL_DIR)/,\
	modssl.c \
	ssl_context.c \
	ssl_socket.c \
	ssl_io.c \
	ssl_certs.c \
	ssl_ciphers.c \
	ssl_session.c \
	ssl_cid.c \
	ssl_errors.c \
	ssl_platform.c \
	ssl_alloc.c \
	ssl_testing.c \
	ssl_compat.c \
	ssl_alpn.c \
	ssl_keylog.c \
	ssl_psk.c \
	ssl_sign_callback.c \
	ssl_truststore.c \
	)

# Every library file is listed: each compiles to nothing unless our
# configuration enables it, and the linker drops what is not called.
SRC_USERMOD_LIB_C += $(wildcard $(MBEDTLS_SRC)/library/*.c)

# Mbed TLS allocates from the GC heap through MicroPython's tracked allocator.
CFLAGS_USERMOD += -I$(MPSSL_DIR) -I$(MBEDTLS_SRC)/include \
	-DMBEDTLS_CONFIG_FILE='"mbedtls_config_mpssl.h"' \
	-DMICROPY_TRACKED_ALLOC=1

# MPSSL_PROFILE=small|full selects a configuration profile
# (mpssl/mbedtls_profile_<name>.h, read after our configuration).
ifdef MPSSL_PROFILE
CFLAGS_USERMOD += -DMPSSL_PROFILE_HEADER='"mbedtls_profile_$(MPSSL_PROFILE).h"'
endif

# MPSSL_TESTING=1 adds the _mpssl_testing module (in-memory pipes, allocation
# failure injection) for test builds.
ifeq ($(MPSSL_TESTING),1)
CFLAGS_USERMOD += -DMPSSL_TESTING
endif

# x86-64: compile Mbed TLS's AES code with the AES-NI and carry-less
# multiply instructions enabled, so it uses the compiler's intrinsics
# (faster than its inline assembly). aes.c and gcm.c must agree with aesni.c
# on the key schedule's alignment, so all three get the flags. Compilers do
# not emit these instructions on their own: Mbed TLS still checks the CPU
# before it uses them, and the binary runs on any x86-64.
# Deferred (=): a port sets its cross compiler ($(CC)) after including us.
MPSSL_AESNI_CFLAGS = $(if $(findstring x86_64,$(shell $(CC) -dumpmachine 2>/dev/null)),-maes -mpclmul -msse2)
$(BUILD)/%/library/aesni.o: CFLAGS += $(MPSSL_AESNI_CFLAGS)
$(BUILD)/%/library/aes.o: CFLAGS += $(MPSSL_AESNI_CFLAGS)
$(BUILD)/%/library/gcm.o: CFLAGS += $(MPSSL_AESNI_CFLAGS)
