// Patch 0012 (P-256 field arithmetic in fixed limbs): multiply, add, subtract, small
// multiples, shifts and inversion, operand loading and storing included, with the operands'
// limbs and signs secret, for operands of 1, 4, 6 and 8 limbs (the shapes ecp.c hands them:
// set from small integers, read from bytes, the generic code's double-width results) and of
// both signs. The limb count is public, as in Mbed TLS; the values never steer a branch or an
// address. Each result is checked against Mbed TLS's general bignum code.
#include "ecp.c"

#include "_cf.h"

#if !defined(P256_FAST)
#error "this build has no P-256 fast path (64-bit limbs and __int128 needed)"
#endif

static mbedtls_ecp_group grp;

// A random operand of `limbs` limbs, its top limb sometimes p's (the final subtraction both ways).
static void random_operand(mbedtls_mpi *A, size_t limbs, int negative) {
    mbedtls_mpi_free(A);
    mbedtls_mpi_grow(A, limbs);
    for (size_t i = 0; i < limbs; i++) {
        A->p[i] = cf_random();
    }
    if (limbs >= 4 && (cf_random() & 1)) {
        A->p[3] = 0xFFFFFFFF00000001u;
    }
    A->s = negative ? -1 : 1;
}

// X = op(A, B) mod p by Mbed TLS's general code, for the expectation.
static void expect(mbedtls_mpi *X, char op, const mbedtls_mpi *A, const mbedtls_mpi *B) {
    switch (op) {
        case '*': mbedtls_mpi_mul_mpi(X, A, B); break;
        case '+': mbedtls_mpi_add_mpi(X, A, B); break;
        case '-': mbedtls_mpi_sub_mpi(X, A, B); break;
        case '3': mbedtls_mpi_mul_int(X, A, 3); break;
        case '<': mbedtls_mpi_mul_int(X, A, 4); break;
        case '/': mbedtls_mpi_mod_mpi(X, A, &grp.P);
            mbedtls_mpi_inv_mod(X, X, &grp.P); break;
    }
    mbedtls_mpi_mod_mpi(X, X, &grp.P);
}

static void check_op(char op, size_t a_limbs, size_t b_limbs, int a_neg, int b_neg, size_t n) {
    mbedtls_mpi A, B, X, want;
    int ret = 0;
    mbedtls_mpi_init(&A);
    mbedtls_mpi_init(&B);
    mbedtls_mpi_init(&X);
    mbedtls_mpi_init(&want);
    random_operand(&A, a_limbs, a_neg);
    random_operand(&B, b_limbs, b_neg);
    if (op == '/' && mbedtls_mpi_cmp_int(&A, 0) == 0) {
        mbedtls_mpi_lset(&A, 5);
    }
    if (op == '<' || op == '/') {
        // These take a reduced operand in ecp.c (they are fed by the other operations).
        mbedtls_mpi_mod_mpi(&A, &A, &grp.P);
        mbedtls_mpi_grow(&A, a_limbs);
        A.s = a_neg && mbedtls_mpi_cmp_int(&A, 0) != 0 ? -1 : 1;
    }
    expect(&want, op, &A, &B);

    SECRET(A.p, A.n * sizeof(mbedtls_mpi_uint));
    SECRET(&A.s, sizeof(A.s));
    SECRET(B.p, B.n * sizeof(mbedtls_mpi_uint));
    SECRET(&B.s, sizeof(B.s));
    switch (op) {
        case '*': ret = mbedtls_mpi_mul_mod(&grp, &X, &A, &B); break;
        case '+': ret = mbedtls_mpi_add_mod(&grp, &X, &A, &B); break;
        case '-': ret = mbedtls_mpi_sub_mod(&grp, &X, &A, &B); break;
        case '3': ret = mbedtls_mpi_mul_int_mod(&grp, &X, &A, 3); break;
        case '<': ret = mbedtls_mpi_shift_l_mod(&grp, &A, 2); break;  // in place, as ecp.c
        case '/': ret = ecp_inv_mod_p(&grp, &X, &A); break;
    }
    PUBLIC(&ret, sizeof(ret));
    PUBLIC(A.p, A.n * sizeof(mbedtls_mpi_uint));
    PUBLIC(&A.s, sizeof(A.s));
    PUBLIC(B.p, B.n * sizeof(mbedtls_mpi_uint));
    PUBLIC(&B.s, sizeof(B.s));
    PUBLIC(X.p, X.n * sizeof(mbedtls_mpi_uint));
    PUBLIC(&X.s, sizeof(X.s));
    if (op == '<') {
        mbedtls_mpi_copy(&X, &A);
    }
    char what[] = "p256 op ?";
    what[8] = op;
    cf_check(ret == 0 && mbedtls_mpi_cmp_mpi(&X, &want) == 0, what, n);
    mbedtls_mpi_free(&A);
    mbedtls_mpi_free(&B);
    mbedtls_mpi_free(&X);
    mbedtls_mpi_free(&want);
}

int main(void) {
    static const size_t shapes[] = { 1, 4, 6, 8 };
    static const char ops[] = "*+-3</";
    size_t n = 0;
    cf_require_valgrind();
    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
    for (const char *op = ops; *op; op++) {
        for (size_t a = 0; a < 4; a++) {
            for (size_t b = 0; b < 4; b++) {
                for (int signs = 0; signs < 4; signs++) {
                    size_t b_limbs = (*op == '3' || *op == '<' || *op == '/') ? 4 : shapes[b];
                    // The shift and the inversion are only ever given reduced values.
                    size_t a_limbs = (*op == '<' || *op == '/') && shapes[a] > 4 ? 4 : shapes[a];
                    check_op(*op, a_limbs, b_limbs, signs & 1, signs >> 1, n++);
                }
            }
        }
    }
    printf("%zu P-256 field operations checked\n", n);
    mbedtls_ecp_group_free(&grp);
    return cf_done();
}
