// Option measured against the small profile (ports/qemu/README.md): ECP
// window 3 for multiplications of points other than the generator.
#undef MBEDTLS_ECP_WINDOW_SIZE
#define MBEDTLS_ECP_WINDOW_SIZE 3
