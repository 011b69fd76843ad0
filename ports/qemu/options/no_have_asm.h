// Option measured against the small profile (ports/qemu/README.md, "Mbed TLS
// options for 32-bit cores"): bignum multiply-accumulate in C instead of
// bn_mul.h's assembly (which has a Thumb-2 version and none for RISC-V), as
// upstream's configuration has it.
#undef MBEDTLS_HAVE_ASM
