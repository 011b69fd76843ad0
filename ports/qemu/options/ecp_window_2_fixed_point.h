// Option measured against the small profile (ports/qemu/README.md, "Mbed TLS
// options for 32-bit cores"): ECP window 2 for points other than the
// generator, whose comb table is precomputed in flash (ecp_curves.c's
// secp256r1_T) for key generation, ECDSA signing and half of verification.
#undef MBEDTLS_ECP_WINDOW_SIZE
#define MBEDTLS_ECP_WINDOW_SIZE 2
#undef MBEDTLS_ECP_FIXED_POINT_OPTIM
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 1
