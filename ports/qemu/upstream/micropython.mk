# Upstream MicroPython's TLS (extmod/modtls_mbedtls.c) as upstream builds it
# for a bare-metal port, for the footprint comparison (make footprint): its
# configuration (extmod/mbedtls/mbedtls_config_common.h, via
# mbedtls_config_upstream.h) and its list of Mbed TLS files, compiled from
# our Mbed TLS tree. qemu.mk turns the module on with -DMICROPY_PY_SSL=1
# -DMICROPY_SSL_MBEDTLS=1 (Debian's extmod.mk would link system libraries).
UPSTREAM_DIR := $(USERMOD_DIR)
MBEDTLS_SRC ?= $(abspath $(UPSTREAM_DIR)/../../../build/deps/mbedtls)

SRC_USERMOD_C += $(UPSTREAM_DIR)/upstream_port_qemu.c
SRC_USERMOD_LIB_C += $(abspath $(TOP))/shared/timeutils/timeutils.c
# extmod.mk's list before Debian's patch 0006, less mp_mbedtls_errors.c
# (absent from Debian's tree, see mbedtls_config_upstream.h).
SRC_USERMOD_LIB_C += $(addprefix $(MBEDTLS_SRC)/library/,\
	aes.c aesni.c asn1parse.c asn1write.c base64.c bignum_core.c bignum_mod.c \
	bignum_mod_raw.c bignum.c camellia.c ccm.c chacha20.c chachapoly.c cipher.c \
	cipher_wrap.c nist_kw.c aria.c cmac.c constant_time.c mps_reader.c mps_trace.c \
	ctr_drbg.c debug.c des.c dhm.c ecdh.c ecdsa.c ecjpake.c ecp.c ecp_curves.c \
	entropy.c entropy_poll.c gcm.c hmac_drbg.c md5.c md.c oid.c padlock.c pem.c \
	pk.c pkcs12.c pkcs5.c pkparse.c pk_ecc.c pk_wrap.c pkwrite.c platform.c \
	platform_util.c poly1305.c ripemd160.c rsa.c rsa_alt_helpers.c sha1.c \
	sha256.c sha512.c ssl_cache.c ssl_ciphersuites.c ssl_client.c ssl_cookie.c \
	ssl_debug_helpers_generated.c ssl_msg.c ssl_ticket.c ssl_tls.c \
	ssl_tls12_client.c ssl_tls12_server.c timing.c x509.c x509_create.c \
	x509_crl.c x509_crt.c x509_csr.c x509write_crt.c x509write_csr.c \
	)

CFLAGS_USERMOD += -I$(UPSTREAM_DIR) -I$(MBEDTLS_SRC)/include \
	-DMBEDTLS_CONFIG_FILE='"mbedtls_config_upstream.h"'
