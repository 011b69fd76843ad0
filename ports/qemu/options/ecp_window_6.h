// Option measured against the small profile (ports/qemu/README.md, "Mbed TLS
// options for 32-bit cores"): ECP window 6 and no precomputed table for the
// generator.
#undef MBEDTLS_ECP_WINDOW_SIZE
#define MBEDTLS_ECP_WINDOW_SIZE 6
#undef MBEDTLS_ECP_FIXED_POINT_OPTIM
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
