// Patch 0009 (Poly1305 in 64-bit limbs): mbedtls_poly1305_mac() and the streaming calls over
// messages of 0 to 300 bytes (all-ones ones among them), with the one-time key (r and s) and
// the message secret; the MACs are made public and compared with Poly1305 computed here by
// its definition (RFC 8439), independently of the library's code.
#include "poly1305.c"

#include "_cf.h"

#if !defined(__SIZEOF_INT128__)
#error "this test is for the 64-bit limbs (a compiler with __int128)"
#endif

// Poly1305 by the definition: h = (h + block with its padding bit) * r mod 2^130 - 5 for each
// block, then h + s mod 2^128; the product by double-and-add, reduced at each step.
typedef unsigned __int128 u128;

// a = a * b mod 2^130 - 5, a and b as three limbs of 64, 64 and 2+ bits (below 2^131).
static void ref_mulmod(uint64_t a[3], const uint64_t b[3]) {
    uint64_t r[3] = { 0, 0, 0 }, x[3] = { a[0], a[1], a[2] };
    for (int bit = 0; bit < 131; bit++) {
        if ((b[bit / 64] >> (bit % 64)) & 1) {
            u128 c = (u128)r[0] + x[0];
            r[0] = (uint64_t)c;
            c = (u128)r[1] + x[1] + (uint64_t)(c >> 64);
            r[1] = (uint64_t)c;
            r[2] += x[2] + (uint64_t)(c >> 64);
        }
        // x = 2x
        x[2] = (x[2] << 1) | (x[1] >> 63);
        x[1] = (x[1] << 1) | (x[0] >> 63);
        x[0] <<= 1;
        // fold both above 2^130 (times 5)
        for (int k = 0; k < 2; k++) {
            uint64_t *v = k ? r : x;
            uint64_t hi = v[2] >> 2;
            v[2] &= 3;
            u128 c = (u128)v[0] + (u128)hi * 5;
            v[0] = (uint64_t)c;
            c = (u128)v[1] + (uint64_t)(c >> 64);
            v[1] = (uint64_t)c;
            v[2] += (uint64_t)(c >> 64);
        }
    }
    memcpy(a, r, sizeof(r));
}

static void ref_mac(const unsigned char key[32], const unsigned char *msg, size_t len, unsigned char mac[16]) {
    uint64_t r[3] = { MBEDTLS_GET_UINT64_LE(key, 0) & 0x0FFFFFFC0FFFFFFFu,
                      MBEDTLS_GET_UINT64_LE(key, 8) & 0x0FFFFFFC0FFFFFFCu, 0 };
    uint64_t h[3] = { 0, 0, 0 };
    for (size_t at = 0; at < len; at += 16) {
        unsigned char block[17] = { 0 };
        size_t n = len - at < 16 ? len - at : 16;
        memcpy(block, msg + at, n);
        block[n] = 1;
        u128 c = (u128)h[0] + MBEDTLS_GET_UINT64_LE(block, 0);
        h[0] = (uint64_t)c;
        c = (u128)h[1] + MBEDTLS_GET_UINT64_LE(block, 8) + (uint64_t)(c >> 64);
        h[1] = (uint64_t)c;
        h[2] += block[16] + (uint64_t)(c >> 64);
        ref_mulmod(h, r);
    }
    // Fully reduce, then add s modulo 2^128.
    for (int k = 0; k < 2; k++) {
        // h - p = h + 5 - 2^130
        u128 c = (u128)h[0] + 5;
        uint64_t g0 = (uint64_t)c;
        c = (u128)h[1] + (uint64_t)(c >> 64);
        uint64_t g1 = (uint64_t)c;
        uint64_t g2 = h[2] + (uint64_t)(c >> 64);
        if (g2 >> 2) {
            h[0] = g0;
            h[1] = g1;
            h[2] = g2 & 3;
        }
    }
    u128 c = (u128)h[0] + MBEDTLS_GET_UINT64_LE(key, 16);
    MBEDTLS_PUT_UINT64_LE((uint64_t)c, mac, 0);
    c = (u128)h[1] + MBEDTLS_GET_UINT64_LE(key, 24) + (uint64_t)(c >> 64);
    MBEDTLS_PUT_UINT64_LE((uint64_t)c, mac, 8);
}

int main(void) {
    static unsigned char key[32], msg[300];
    unsigned char mac[16], mac2[16], want[16];
    size_t n = 0;
    cf_require_valgrind();
    for (size_t len = 0; len <= sizeof(msg); len += 1 + len / 4) {
        cf_random_bytes(key, sizeof(key));
        cf_random_bytes(msg, len);
        if (n % 5 == 0) {
            memset(msg, 0xFF, len);  // all ones: the largest sums
        }
        ref_mac(key, msg, len, want);

        SECRET(key, sizeof(key));
        SECRET(msg, len);
        mbedtls_poly1305_mac(key, msg, len, mac);
        mbedtls_poly1305_context ctx;
        mbedtls_poly1305_init(&ctx);
        mbedtls_poly1305_starts(&ctx, key);
        mbedtls_poly1305_update(&ctx, msg, len / 3);
        mbedtls_poly1305_update(&ctx, msg + len / 3, len - len / 3);
        mbedtls_poly1305_finish(&ctx, mac2);
        mbedtls_poly1305_free(&ctx);
        PUBLIC(key, sizeof(key));
        PUBLIC(msg, len);
        PUBLIC(mac, sizeof(mac));
        PUBLIC(mac2, sizeof(mac2));
        cf_check(memcmp(mac, want, 16) == 0 && memcmp(mac2, want, 16) == 0, "mbedtls_poly1305_mac", n++);
    }
    printf("%zu Poly1305 MACs checked\n", n);
    return cf_done();
}
