// Option measured against the small profile (ports/qemu/README.md, "Mbed TLS
// options for 32-bit cores"): no fast reduction modulo the NIST primes
// (generic modular reduction instead), as upstream's configuration has it.
#undef MBEDTLS_ECP_NIST_OPTIM
