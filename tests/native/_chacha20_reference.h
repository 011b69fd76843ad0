// What tests/native/chacha20_vector_paths_match_scalar.c and
// tests/constant-flow/chacha20_vector_paths.c compare patch 0008's vector paths with: the
// scalar block function's keystream, and contexts with random keys and nonces. Included after
// library/chacha20.c; the includer defines random_bytes().
#ifndef MPSSL_TESTS_CHACHA20_REFERENCE_H
#define MPSSL_TESTS_CHACHA20_REFERENCE_H

static void random_bytes(unsigned char *buf, size_t len);

// The scalar keystream of `blocks` blocks from the state's counter on (the counter wraps at
// 2^32, as each lane of the vector functions' does; mbedtls_chacha20_update() stops there).
static void scalar_keystream(const uint32_t state[16], size_t blocks, unsigned char *out) {
    uint32_t s[16];
    memcpy(s, state, sizeof(s));
    for (size_t b = 0; b < blocks; b++) {
        chacha20_block(s, out + b * CHACHA20_BLOCK_SIZE_BYTES);
        s[CHACHA20_CTR_INDEX]++;
    }
}

// A context with a random key and nonce, its block counter at `counter`.
static void start_random(mbedtls_chacha20_context *ctx, uint32_t counter) {
    unsigned char key[32], nonce[12];
    random_bytes(key, sizeof(key));
    random_bytes(nonce, sizeof(nonce));
    mbedtls_chacha20_init(ctx);
    mbedtls_chacha20_setkey(ctx, key);
    mbedtls_chacha20_starts(ctx, nonce, counter);
}

#endif // MPSSL_TESTS_CHACHA20_REFERENCE_H
