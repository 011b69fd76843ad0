// Patch 0010 (inversion modulo a prime by Fermat): mbedtls_mpi_inv_mod_prime(), which ECDSA
// signing calls on its secret nonce k (modulo the group order) and ecp.c on secret-derived
// coordinates (modulo the field prime of the curves other than P-256), with the value to
// invert secret, for the moduli our configuration uses: P-256's and P-384's group orders and
// field primes, Curve25519's field prime. The value has as many limbs as the modulus or more
// (the generic code's products have twice as many, the top ones zero); the limb count is
// public, as in Mbed TLS. Also the exponentiation itself, mbedtls_mpi_core_exp_mod_unsafe(),
// called directly with a secret base and the public exponent P - 2. Each inverse is checked
// by multiplying it back; values out of range must be refused.
#include "bignum.c"

#include "_cf.h"

#include "bignum_core.h"
#include "mbedtls/ecp.h"

static void check_inverse(const mbedtls_mpi *P, size_t extra_limbs, size_t n) {
    mbedtls_mpi A, X, product;
    mbedtls_mpi_init(&A);
    mbedtls_mpi_init(&X);
    mbedtls_mpi_init(&product);
    mbedtls_mpi_random(&A, 1, P, cf_rng, NULL);
    mbedtls_mpi_grow(&A, P->n + extra_limbs);

    SECRET(A.p, A.n * sizeof(mbedtls_mpi_uint));
    int ret = mbedtls_mpi_inv_mod_prime(&X, &A, P);
    PUBLIC(&ret, sizeof(ret));
    PUBLIC(A.p, A.n * sizeof(mbedtls_mpi_uint));
    PUBLIC(X.p, X.n * sizeof(mbedtls_mpi_uint));

    mbedtls_mpi_mul_mpi(&product, &A, &X);
    mbedtls_mpi_mod_mpi(&product, &product, P);
    cf_check(ret == 0 && mbedtls_mpi_cmp_int(&product, 1) == 0, "mbedtls_mpi_inv_mod_prime", n);
    mbedtls_mpi_free(&A);
    mbedtls_mpi_free(&X);
    mbedtls_mpi_free(&product);
}

// Out of range (P itself, -1, a value with a nonzero limb above P's): refused, the refusal
// found without a branch on the value.
static void check_refused(const mbedtls_mpi *P, int how, size_t n) {
    mbedtls_mpi A, X;
    mbedtls_mpi_init(&A);
    mbedtls_mpi_init(&X);
    mbedtls_mpi_copy(&A, P);
    if (how == 1) {
        mbedtls_mpi_lset(&A, -1);
        mbedtls_mpi_grow(&A, P->n);
    } else if (how == 2) {
        mbedtls_mpi_lset(&A, 1);
        mbedtls_mpi_grow(&A, P->n + 1);
        A.p[P->n] = 1;
    }
    SECRET(A.p, A.n * sizeof(mbedtls_mpi_uint));
    SECRET(&A.s, sizeof(A.s));
    int ret = mbedtls_mpi_inv_mod_prime(&X, &A, P);
    PUBLIC(&ret, sizeof(ret));
    cf_check(ret == MBEDTLS_ERR_MPI_BAD_INPUT_DATA, "mbedtls_mpi_inv_mod_prime out of range", n);
    mbedtls_mpi_free(&A);
    mbedtls_mpi_free(&X);
}

// The exponentiation alone: X = A^(P-2) in Montgomery form, A secret.
static void check_exponentiation(const mbedtls_mpi *P, size_t n) {
    mbedtls_mpi A, E, RR, X, want;
    mbedtls_mpi_init(&A);
    mbedtls_mpi_init(&E);
    mbedtls_mpi_init(&RR);
    mbedtls_mpi_init(&X);
    mbedtls_mpi_init(&want);
    mbedtls_mpi_random(&A, 1, P, cf_rng, NULL);
    mbedtls_mpi_sub_int(&E, P, 2);
    mbedtls_mpi_core_get_mont_r2_unsafe(&RR, P);
    mbedtls_mpi_grow(&X, P->n);
    size_t T_limbs = mbedtls_mpi_core_exp_mod_working_limbs(P->n, E.n);
    mbedtls_mpi_uint *T = calloc(T_limbs, sizeof(mbedtls_mpi_uint));
    mbedtls_mpi_uint mm = mbedtls_mpi_core_montmul_init(P->p);

    SECRET(A.p, A.n * sizeof(mbedtls_mpi_uint));
    mbedtls_mpi_core_to_mont_rep(X.p, A.p, P->p, P->n, mm, RR.p, T);
    mbedtls_mpi_core_exp_mod_unsafe(X.p, X.p, P->p, P->n, E.p, E.n, RR.p, T);
    mbedtls_mpi_core_from_mont_rep(X.p, X.p, P->p, P->n, mm, T);
    PUBLIC(A.p, A.n * sizeof(mbedtls_mpi_uint));
    PUBLIC(X.p, X.n * sizeof(mbedtls_mpi_uint));
    PUBLIC(T, T_limbs * sizeof(mbedtls_mpi_uint));

    mbedtls_mpi_inv_mod(&want, &A, P);
    cf_check(mbedtls_mpi_cmp_mpi(&X, &want) == 0, "mbedtls_mpi_core_exp_mod_unsafe", n);
    free(T);
    mbedtls_mpi_free(&A);
    mbedtls_mpi_free(&E);
    mbedtls_mpi_free(&RR);
    mbedtls_mpi_free(&X);
    mbedtls_mpi_free(&want);
}

int main(void) {
    static const mbedtls_ecp_group_id curves[] = {
        MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_ECP_DP_CURVE25519
    };
    size_t n = 0;
    cf_require_valgrind();
    for (size_t c = 0; c < sizeof(curves) / sizeof(curves[0]); c++) {
        mbedtls_ecp_group grp;
        mbedtls_ecp_group_init(&grp);
        mbedtls_ecp_group_load(&grp, curves[c]);
        const mbedtls_mpi *moduli[2] = { &grp.P, &grp.N };
        for (int m = 0; m < 2; m++) {
            for (size_t extra = 0; extra <= moduli[m]->n; extra += moduli[m]->n) {
                for (int i = 0; i < 4; i++) {
                    check_inverse(moduli[m], extra, n++);
                }
            }
            check_exponentiation(moduli[m], n++);
            for (int how = 0; how < 3; how++) {
                check_refused(moduli[m], how, n++);
            }
        }
        mbedtls_ecp_group_free(&grp);
    }
    printf("%zu inversions checked\n", n);
    return cf_done();
}
