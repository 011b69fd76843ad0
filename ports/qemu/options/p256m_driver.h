// Option measured against the small profile (ports/qemu/README.md, "Mbed TLS
// options for 32-bit cores"): Mbed TLS's bundled p256-m driver for P-256
// ECDH and ECDSA, which TLS 1.2, PK and X.509 reach through the PSA crypto
// core (MBEDTLS_USE_PSA_CRYPTO). Without a PSA-only configuration the
// built-in ECC code stays in, so the flash figure is an upper bound. The
// firmware also compiles 3rdparty/p256-m (ports/qemu/board/micropython.mk).
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_USE_PSA_CRYPTO
#define MBEDTLS_PSA_P256M_DRIVER_ENABLED
// PSA imports our keys through the key writer.
#define MBEDTLS_PK_WRITE_C
