// Patch 0012 (patches/mbedtls/0012-ecp-p256-field-arithmetic-in-fixed-limbs.patch) does
// P-256 field arithmetic in fixed 64-bit limbs. This program checks it two ways:
//  - each operation (multiply, square, add, subtract, small multiple, invert) against
//    Mbed TLS's general bignum code (mbedtls_mpi_* then mbedtls_mpi_mod_mpi), for random
//    operands and the edge cases of carries and reduction: 0..3, p-3..p-1, p..p+4 and
//    2^256-1 (above p: the fast path must still reduce them), limbs all ones or zero,
//    results written over an operand, operands with spare zero limbs, negative ones and ones
//    of up to eight limbs with nonzero upper limbs (the fast path loads those too);
//  - scalar multiplications k*G through mbedtls_ecp_mul against results computed
//    independently (affine arithmetic in CPython integers), including k = n-1 and n-2,
//    and an ECDSA signature made and verified.
// It includes library/ecp.c to reach the static functions, and links the rest of Mbed
// TLS from the unix build's objects. Exit status 0 when everything matches.
#include "ecp.c"

#include <stdio.h>
#include <stdlib.h>

#include "mbedtls/ecdsa.h"

#if !defined(P256_FAST)
#error "this build has no P-256 fast path (64-bit limbs and __int128 needed)"
#endif

// What the unix build's objects expect from the module (mpssl/ssl_platform.c, ssl_alloc.c).
void *mpssl_calloc(size_t nmemb, size_t size) {
    return calloc(nmemb, size);
}
void mpssl_free(void *ptr) {
    free(ptr);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t next_random(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static int random_bytes(void *ctx, unsigned char *out, size_t len) {
    (void)ctx;
    for (size_t i = 0; i < len; i++) {
        out[i] = (unsigned char)next_random();
    }
    return 0;
}
int mbedtls_hardware_poll(void *ctx, unsigned char *out, size_t len, size_t *olen) {
    *olen = len;
    return random_bytes(ctx, out, len);
}

static const mbedtls_mpi_uint p256_limbs[4] = {
    0xFFFFFFFFFFFFFFFF, 0x00000000FFFFFFFF, 0x0000000000000000, 0xFFFFFFFF00000001
};

// An operand of the given kind, with 0 to 4 spare zero limbs.
static void pick_operand(mbedtls_mpi *A, unsigned kind) {
    mbedtls_mpi_uint l[4];
    for (int i = 0; i < 4; i++) {
        l[i] = next_random();
    }
    switch (kind % 10) {
        case 0:
            memset(l, 0xFF, sizeof(l)); // 2^256 - 1
            break;
        case 1:
            memcpy(l, p256_limbs, sizeof(l));
            l[0] -= 1 + next_random() % 3; // p-3 .. p-1
            break;
        case 2:
            memset(l, 0, sizeof(l));
            l[0] = next_random() % 4; // 0 .. 3
            break;
        case 3:
            memcpy(l, p256_limbs, sizeof(l));
            l[0] += next_random() % 5; // p .. p+4 (l[0] wraps to 0..3, no carry needed)
            l[1] += l[0] < 4;
            break;
        case 4:
            for (int i = 0; i < 4; i++) {
                l[i] = (next_random() & 1) ? ~(mbedtls_mpi_uint)0 : 0;
            }
            break;
        case 5:
            l[3] &= 0xFFFFFFFF; // well below p
            break;
        default:
            break; // any 256-bit value
    }
    mbedtls_mpi_free(A);
    mbedtls_mpi_grow(A, 4 + next_random() % 5);
    memcpy(A->p, l, sizeof(l));
    // Wider than 256 bits (up to eight limbs, as the generic code's products), and negative:
    // the fast path loads these too.
    for (size_t i = 4; i < A->n && kind >= 13; i++) {
        A->p[i] = next_random();
    }
    A->s = next_random() % 4 == 0 ? -1 : 1;
}

static long mismatches;

static void expect_equal(const char *what, const mbedtls_mpi *got, const mbedtls_mpi *want, long i) {
    if (mbedtls_mpi_cmp_mpi(got, want) != 0 || got->s != 1) {
        if (mismatches++ < 10) {
            printf("mismatch: %s, iteration %ld\n", what, i);
        }
    }
}

static void check_operations(const mbedtls_mpi *P, long iterations) {
    mbedtls_mpi A, B, X, W;
    mbedtls_mpi_init(&A);
    mbedtls_mpi_init(&B);
    mbedtls_mpi_init(&X);
    mbedtls_mpi_init(&W);
    for (long i = 0; i < iterations; i++) {
        pick_operand(&A, next_random() % 17);
        pick_operand(&B, next_random() % 17);

        mbedtls_mpi_mul_mpi(&W, &A, &B);
        mbedtls_mpi_mod_mpi(&W, &W, P);
        p256_mul_mod(&X, &A, &B);
        expect_equal("multiply", &X, &W, i);
        mbedtls_mpi_copy(&X, &B);
        p256_mul_mod(&X, &A, &X);
        expect_equal("multiply into an operand", &X, &W, i);

        mbedtls_mpi_mul_mpi(&W, &A, &A);
        mbedtls_mpi_mod_mpi(&W, &W, P);
        mbedtls_mpi_copy(&X, &A);
        p256_mul_mod(&X, &X, &X);
        expect_equal("square", &X, &W, i);

        mbedtls_mpi_add_mpi(&W, &A, &B);
        mbedtls_mpi_mod_mpi(&W, &W, P);
        p256_add_mod(&X, &A, &B, 1);
        expect_equal("add", &X, &W, i);

        mbedtls_mpi_sub_mpi(&W, &A, &B);
        mbedtls_mpi_mod_mpi(&W, &W, P);
        mbedtls_mpi_copy(&X, &B);
        p256_add_mod(&X, &A, &X, -1);
        expect_equal("subtract", &X, &W, i);

        mbedtls_mpi_uint factor = (i % 3 == 0) ? (mbedtls_mpi_uint)1 << (next_random() % 16) : next_random() % 0x10000;
        mbedtls_mpi_mul_int(&W, &A, factor);
        mbedtls_mpi_mod_mpi(&W, &W, P);
        p256_mul_int_mod(&X, &A, factor);
        expect_equal("small multiple", &X, &W, i);

        mbedtls_mpi_mod_mpi(&W, &A, P);
        if (i % 64 == 0 && mbedtls_mpi_cmp_int(&W, 0) != 0) {
            mbedtls_mpi_inv_mod(&W, &W, P);
            mbedtls_mpi_copy(&X, &A);
            p256_inv_mod(&X, &X);
            expect_equal("invert", &X, &W, i);
        }
    }
    // Operands of more than eight limbs, and large factors, are left to the generic path.
    pick_operand(&B, 7);
    mbedtls_mpi_lset(&A, 1);
    mbedtls_mpi_shift_l(&A, 520);
    int wide = p256_mul_mod(&X, &A, &B) == P256_NOT_HANDLED && p256_inv_mod(&X, &A) == P256_NOT_HANDLED;
    int large_factor = p256_mul_int_mod(&X, &B, 0x10000) == P256_NOT_HANDLED;
    if (!wide || !large_factor) {
        printf("mismatch: an operand outside the fast path's range was not left to the generic path\n");
        mismatches++;
    }
    printf("%ld operand pairs through every operation\n", iterations);
    mbedtls_mpi_free(&A);
    mbedtls_mpi_free(&B);
    mbedtls_mpi_free(&X);
    mbedtls_mpi_free(&W);
}

// k, then x and y of k*G, computed independently of Mbed TLS: affine double-and-add in
// Python integers (slopes by pow(x, -1, p)). k = 2 and 3 are also NIST's published vectors.
static const char *const known_multiples[][3] = {
    { "2", "7CF27B188D034F7E8A52380304B51AC3C08969E277F21B35A60B48FC47669978", "07775510DB8ED040293D9AC69F7430DBBA7DADE63CE982299E04B79D227873D1" },
    { "3", "5ECBE4D1A6330A44C8F7EF951D4BF165E6C6B721EFADA985FB41661BC6E7FD6C", "8734640C4998FF7E374B06CE1A64A2ECD82AB036384FB83D9A79B127A27D5032" },
    { "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632550", "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296", "B01CBD1C01E58065711814B583F061E9D431CCA994CEA1313449BF97C840AE0A" },
    { "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC63254F", "7CF27B188D034F7E8A52380304B51AC3C08969E277F21B35A60B48FC47669978", "F888AAEE24712FC0D6C26539608BCF244582521AC3167DD661FB4862DD878C2E" },
    { "8000000000000000000000000000000000000000000000000000000000000000", "77B20A912E6B23135066E911891524BC4EFE3560E3E92350B52DEC8F375F2B54", "A3DC291825CEA3F7F7B10BFCDD038A72DF623DA1E850E0F1CAA801FCD6CC67FF" },
    { "0000000000000000000000000000000100000000000000000000000000000001", "EF9519328A9C72FFDDC6068BB91DFC60EF7FBD2B1A0A11B713949C932A1D367F", "611E9FC37DBB2C9BC1EE9807022C219C23183B0895CA1740196035A77376D8A8" },
    { "F3F49249DC28FF90A5AEC7978306D03BF38B2FFC80A4DF5A51C9BC701E7EA41A", "F8C06501F7A25F29914B521CAE04A0454D4FEE0AF8DC1EEE47100254031FD3F6", "F3D87A13D33131C58CEE443FC6C96824BD52A38ADBB453CA46600646680C9F04" },
    { "6BAD6BE28E7AA6E99F19950499DD251DE512148239292D22E255ACCB1A466885", "45F4600C8A058DDAEA76061D9EB761B67B7799EB14FBF231D21BF31F95C60B8E", "E785559EF9BBC70158778D4B8BD12A357323CEF6B24F9D0E1FF677169C38A623" },
    { "7DABE929C4A334BFC6CD75E9BB049A79D7A7A3CC8C3D5F169293DE8FC88B2876", "097D2406A589A4CFB7C9BC96B62F2367ECB42B9D661753774FFA0E89E9559075", "155C8D8EB20E75602B2DABD1E318EE63BAB7926FD837632A6DB4A069BCACBF7C" },
    { "14AA4E719D3C7DEC00A61F933D6C51E370EB9A0A96263AE6C5E818FAC0433CBE", "0D2A11DA267A80D5C9F2869B15BE8E83FCB289CECF5BED020A0B4817B298F49C", "0879CB54433A309CEAF5EF97EC5B33F9F3A8261A9D46D243BA24A7F11A165C9C" },
};

static void check_point_multiples(const mbedtls_ecp_group *grp) {
    mbedtls_mpi k, x, y;
    mbedtls_ecp_point R;
    mbedtls_mpi_init(&k);
    mbedtls_mpi_init(&x);
    mbedtls_mpi_init(&y);
    mbedtls_ecp_point_init(&R);
    size_t count = sizeof(known_multiples) / sizeof(known_multiples[0]);
    for (size_t i = 0; i < count; i++) {
        mbedtls_mpi_read_string(&k, 16, known_multiples[i][0]);
        mbedtls_mpi_read_string(&x, 16, known_multiples[i][1]);
        mbedtls_mpi_read_string(&y, 16, known_multiples[i][2]);
        if (mbedtls_ecp_mul((mbedtls_ecp_group *)grp, &R, &k, &grp->G, random_bytes, NULL) != 0
            || mbedtls_mpi_cmp_mpi(&R.X, &x) != 0 || mbedtls_mpi_cmp_mpi(&R.Y, &y) != 0) {
            printf("mismatch: k*G for k = %s\n", known_multiples[i][0]);
            mismatches++;
        }
    }
    printf("%zu scalar multiplications k*G\n", count);
    mbedtls_mpi_free(&k);
    mbedtls_mpi_free(&x);
    mbedtls_mpi_free(&y);
    mbedtls_ecp_point_free(&R);
}

static void check_signature(void) {
    mbedtls_ecdsa_context key;
    mbedtls_ecdsa_init(&key);
    unsigned char hash[32], sig[MBEDTLS_ECDSA_MAX_LEN];
    size_t sig_len;
    random_bytes(NULL, hash, sizeof(hash));
    int made = mbedtls_ecdsa_genkey(&key, MBEDTLS_ECP_DP_SECP256R1, random_bytes, NULL) == 0
        && mbedtls_ecdsa_write_signature(&key, MBEDTLS_MD_SHA256, hash, sizeof(hash), sig, sizeof(sig), &sig_len, random_bytes, NULL) == 0;
    int verified = made && mbedtls_ecdsa_read_signature(&key, hash, sizeof(hash), sig, sig_len) == 0;
    hash[0] ^= 1;
    int forged = made && mbedtls_ecdsa_read_signature(&key, hash, sizeof(hash), sig, sig_len) == 0;
    if (!verified || forged) {
        printf("mismatch: ECDSA signature made %d, verified %d, accepted for another hash %d\n", made, verified, forged);
        mismatches++;
    } else {
        printf("ECDSA P-256 signature made and verified, refused for another hash\n");
    }
    mbedtls_ecdsa_free(&key);
}

int main(int argc, char **argv) {
    long iterations = argc > 1 ? atol(argv[1]) : 300000;
    mbedtls_ecp_group grp;
    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
    check_operations(&grp.P, iterations);
    check_point_multiples(&grp);
    check_signature();
    mbedtls_ecp_group_free(&grp);
    printf("%ld mismatches\n", mismatches);
    return mismatches != 0;
}
