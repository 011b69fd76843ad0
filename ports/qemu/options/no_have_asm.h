// Option measured against the small profile (ports/qemu/README.md): bignum
// multiply-accumulate in C instead of bn_mul.h's assembly (which has an Arm
// Thumb-2 version and none for RISC-V).
#undef MBEDTLS_HAVE_ASM
