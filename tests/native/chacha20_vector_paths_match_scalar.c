// Patch 0008 (patches/mbedtls/0008-chacha20-sse2-avx2-avx512-blocks.patch) computes the
// ChaCha20 keystream 4 blocks at a time with SSE2, 8 with AVX2 and 16 with AVX-512 (the last
// two where the CPU has them). This program checks every vector path this CPU can run
// against Mbed TLS's scalar block function, block by block:
//  - each path's function alone, for random keys, nonces and data, at counters 0, 1, random
//    ones and ones that wrap past 2^32 inside the batch (every lane adds its own offset), and
//    the counter it leaves behind;
//  - mbedtls_chacha20_update() over streams of 0 to 5000 bytes cut into random chunks (so that
//    leftover keystream, vector runs and scalar blocks take turns), against the scalar
//    keystream XORed in;
//  - counter exhaustion: calls that run into 2^32 are refused exactly where 3.6.7's scalar
//    code refuses them, after vector batches that end on the last counter value too.
// It includes library/chacha20.c to reach the static functions, and links the rest of Mbed
// TLS from the unix build's objects. Exit status 0 when everything matches; it prints which
// paths it could run.
#include "chacha20.c"
#include "_chacha20_reference.h"

#include <stdio.h>
#include <stdlib.h>

// What the unix build's objects expect from the module (mpssl/ssl_platform.c, ssl_alloc.c).
void *mpssl_calloc(size_t nmemb, size_t size) {
    return calloc(nmemb, size);
}
void mpssl_free(void *ptr) {
    free(ptr);
}

#if !defined(__SSE2__) || !defined(MBEDTLS_ARCH_IS_X64)
#error "this test is for the x86-64 vector paths"
#endif

#define MAX_BLOCKS 16
#define STREAM_MAX 5000

static unsigned failures;

static void random_bytes(unsigned char *buf, size_t len) {
    for (size_t i = 0; i < len; i++) {
        buf[i] = (unsigned char)(rand() >> 7);
    }
}

static void check(int ok, const char *what, uint32_t counter, size_t detail) {
    if (!ok) {
        failures++;
        printf("MISMATCH %s (counter %08x, %zu)\n", what, (unsigned)counter, detail);
    }
}

typedef void (*blocks_fn)(uint32_t state[16], const unsigned char *input, unsigned char *output);

static void check_path(const char *name, blocks_fn fn, size_t blocks) {
    static const uint32_t counters[] = { 0, 1, 0xFFFFFFFFu, 0xFFFFFFF9u, 0xFFFFFFF4u, 0x7FFFFFFFu };
    unsigned char input[MAX_BLOCKS * 64], got[MAX_BLOCKS * 64], keystream[MAX_BLOCKS * 64];
    mbedtls_chacha20_context ctx;
    size_t len = blocks * CHACHA20_BLOCK_SIZE_BYTES;

    for (int round = 0; round < 200; round++) {
        uint32_t counter = round < 6 ? counters[round] : (uint32_t)rand() * 2654435761u;
        start_random(&ctx, counter);
        random_bytes(input, len);
        uint32_t state[16];
        memcpy(state, ctx.state, sizeof(state));
        scalar_keystream(state, blocks, keystream);
        fn(state, input, got);
        for (size_t i = 0; i < len; i++) {
            if (got[i] != (unsigned char)(input[i] ^ keystream[i])) {
                check(0, name, counter, i);
                break;
            }
        }
        check(state[CHACHA20_CTR_INDEX] == counter + (uint32_t)blocks, name, counter, blocks);
        check(memcmp(state, ctx.state, CHACHA20_CTR_INDEX * sizeof(uint32_t)) == 0
              && memcmp(state + 13, ctx.state + 13, 3 * sizeof(uint32_t)) == 0,
              name, counter, 16);
        mbedtls_chacha20_free(&ctx);
    }
    printf("%s: %zu blocks at a time checked\n", name, blocks);
}

static void check_update_streams(void) {
    static unsigned char input[STREAM_MAX], got[STREAM_MAX];
    static unsigned char keystream[STREAM_MAX + CHACHA20_BLOCK_SIZE_BYTES];
    mbedtls_chacha20_context ctx;

    for (size_t total = 0; total <= STREAM_MAX; total += 1 + (size_t)(rand() % 97)) {
        // Odd lengths end on or near the last counter value (3.6.7 refuses to go past it).
        uint32_t blocks = (uint32_t)((total + CHACHA20_BLOCK_SIZE_BYTES - 1) / CHACHA20_BLOCK_SIZE_BYTES);
        uint32_t counter = (total & 1) ? (uint32_t)(0x100000000u - blocks - (uint32_t)(rand() % 3)) : (uint32_t)rand();
        start_random(&ctx, counter);
        random_bytes(input, total);
        scalar_keystream(ctx.state, total / CHACHA20_BLOCK_SIZE_BYTES + 1, keystream);
        for (size_t done = 0; done < total;) {
            size_t chunk = (size_t)(rand() % 3) == 0 ? (size_t)(rand() % 70) : (size_t)(rand() % 2100);
            if (chunk > total - done) {
                chunk = total - done;
            }
            mbedtls_chacha20_update(&ctx, chunk, input + done, got + done);
            done += chunk;
        }
        for (size_t i = 0; i < total; i++) {
            if (got[i] != (unsigned char)(input[i] ^ keystream[i])) {
                check(0, "mbedtls_chacha20_update stream", counter, i);
                break;
            }
        }
        mbedtls_chacha20_free(&ctx);
    }
    printf("mbedtls_chacha20_update: streams of 0 to %d bytes in random chunks checked\n", STREAM_MAX);
}

// Counter exhaustion (CVE-2026-50584): 3.6.7's scalar code lets a context produce the
// keystream of blocks counter..2^32-1 and no more: a call of mbedtls_chacha20_update() that
// would need more returns MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA and changes nothing, so does
// every later call with data, and a call of 0 bytes always succeeds. This model of it is
// checked against calls whose sizes take the vector runs (AVX2 and SSE2 batches, among them
// batches that end on the last counter value), the scalar blocks and the leftover keystream:
// each call's verdict, each output byte against the scalar keystream (so no keystream is
// reused after the counter wraps), and the refusal of every call after exhaustion.
#define EXHAUST_MAX_BLOCKS 48

static void check_exhaustion(void) {
    static const size_t batch_sizes[] = { 512, 256, 64, 1024, 768, 320 };
    static unsigned char input[EXHAUST_MAX_BLOCKS * 64 + 2048], got[sizeof(input)];
    static unsigned char keystream[EXHAUST_MAX_BLOCKS * 64];
    mbedtls_chacha20_context ctx;
    unsigned cases = 0, refusals = 0;

    for (size_t blocks = 1; blocks <= EXHAUST_MAX_BLOCKS; blocks++) {
        for (int pattern = 0; pattern < 12; pattern++) {
            uint32_t counter = (uint32_t)(0x100000000u - blocks);
            size_t total = blocks * CHACHA20_BLOCK_SIZE_BYTES, used = 0;
            start_random(&ctx, counter);
            scalar_keystream(ctx.state, blocks, keystream);
            random_bytes(input, sizeof(input));
            for (int call = 0; call < 8; call++) {
                size_t size;
                if (call == 0 && pattern < 6) {
                    // One batch size at a time, up to the last counter value exactly.
                    size = total < batch_sizes[pattern] ? total : total - total % batch_sizes[pattern];
                } else if (pattern % 3 == 0) {
                    size = total - used;  // exactly what is left
                } else {
                    size = (size_t)(rand() % 1100);
                }
                int want = (size == 0 || used + size <= total) ? 0 : MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA;
                memset(got, 0, size);
                int ret = mbedtls_chacha20_update(&ctx, size, input, got);
                cases++;
                if (ret != want) {
                    check(0, "exhaustion: verdict of a call", counter, used);
                    break;
                }
                if (ret != 0) {
                    refusals++;
                    continue;
                }
                for (size_t i = 0; i < size; i++) {
                    if (got[i] != (unsigned char)(input[i] ^ keystream[used + i])) {
                        check(0, "exhaustion: keystream", counter, used + i);
                        break;
                    }
                }
                used += size;
            }
            // Exhausted or not, one more byte than is left is refused.
            int ret = mbedtls_chacha20_update(&ctx, total - used + 1, input, got);
            check(ret == MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA, "exhaustion: one byte too many", counter, used);
            mbedtls_chacha20_free(&ctx);
        }
    }
    printf("counter exhaustion: %u calls from counters 2^32-%d..2^32-1, %u refused as 3.6.7 refuses them\n",
           cases, EXHAUST_MAX_BLOCKS, refusals);
}

int main(void) {
    srand(20261205);
    check_path("SSE2", chacha20_sse2_4blocks, 4);
    if (chacha20_have_avx2()) {
        check_path("AVX2", chacha20_avx2_8blocks, 8);
    } else {
        printf("AVX2: this CPU has none, not checked\n");
    }
    if (chacha20_have_avx512()) {
        check_path("AVX-512", chacha20_avx512_16blocks, 16);
    } else {
        printf("AVX-512: this CPU has none, not checked\n");
    }
    check_update_streams();
    check_exhaustion();
    printf("%u mismatches\n", failures);
    return failures != 0;
}
