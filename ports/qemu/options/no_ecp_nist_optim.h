// Option measured against the small profile (ports/qemu/README.md): no fast
// reduction modulo the NIST primes (generic modular reduction instead).
#undef MBEDTLS_ECP_NIST_OPTIM
