// Option measured against the small profile (ports/qemu/README.md): the
// generator's comb table precomputed in flash (ecp_curves.c's secp256r1_T),
// used by every multiplication of the generator (key generation, ECDSA
// signing, half of ECDSA verification).
#undef MBEDTLS_ECP_FIXED_POINT_OPTIM
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 1
