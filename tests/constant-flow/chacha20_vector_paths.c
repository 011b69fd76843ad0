// Patch 0008 (ChaCha20 four blocks at a time with SSE2, eight with AVX2): each path's
// function called directly (so each runs whatever the CPU would choose), and
// mbedtls_chacha20_update() over streams that take the vector runs, the scalar blocks and the
// leftover keystream in turn, with the key, the nonce and the data secret; the block counter
// is public (it counts data, and mbedtls_chacha20_update() checks it for exhaustion), as are
// the lengths. Outputs are made public and compared with the scalar block function.
// The AVX-512 path (sixteen blocks) cannot run here: valgrind implements no AVX-512
// instruction and hides AVX-512F from CPUID, so under valgrind mbedtls_chacha20_update() never
// takes it; tests/native/chacha20_vector_paths_match_scalar.c checks it against the scalar
// code outside valgrind, on CPUs that have it.
#include "chacha20.c"

#include "_cf.h"
#include "../native/_chacha20_reference.h"

#if !defined(__SSE2__) || !defined(MBEDTLS_ARCH_IS_X64)
#error "this test is for the x86-64 vector paths"
#endif

#define STREAM_MAX 1300

typedef void (*blocks_fn)(uint32_t state[16], const unsigned char *input, unsigned char *output);

// Marks the key and nonce words of a ChaCha20 state secret, or public again.
static void mark_state(uint32_t state[16], int secret) {
    if (secret) {
        SECRET(state + 4, 8 * sizeof(uint32_t));
        SECRET(state + 13, 3 * sizeof(uint32_t));
    } else {
        PUBLIC(state, 16 * sizeof(uint32_t));
    }
}

static void random_bytes(unsigned char *buf, size_t len) {
    cf_random_bytes(buf, len);
}

static void check_path(const char *name, blocks_fn fn, size_t blocks, size_t *n) {
    unsigned char input[512], got[512], keystream[512];
    size_t len = blocks * CHACHA20_BLOCK_SIZE_BYTES;
    for (int round = 0; round < 8; round++) {
        mbedtls_chacha20_context ctx;
        start_random(&ctx, (uint32_t)cf_random());
        cf_random_bytes(input, len);
        scalar_keystream(ctx.state, blocks, keystream);
        mark_state(ctx.state, 1);
        SECRET(input, len);
        fn(ctx.state, input, got);
        mark_state(ctx.state, 0);
        PUBLIC(input, len);
        PUBLIC(got, len);
        int ok = 1;
        for (size_t i = 0; i < len; i++) {
            ok &= got[i] == (unsigned char)(input[i] ^ keystream[i]);
        }
        cf_check(ok, name, (*n)++);
        mbedtls_chacha20_free(&ctx);
    }
}

static void check_update_streams(size_t *n) {
    static unsigned char input[STREAM_MAX], got[STREAM_MAX];
    static unsigned char keystream[STREAM_MAX + CHACHA20_BLOCK_SIZE_BYTES];
    for (size_t total = 0; total <= STREAM_MAX; total += 37 + total / 3) {
        mbedtls_chacha20_context ctx;
        start_random(&ctx, (uint32_t)cf_random());
        cf_random_bytes(input, total);
        scalar_keystream(ctx.state, total / CHACHA20_BLOCK_SIZE_BYTES + 1, keystream);
        mark_state(ctx.state, 1);
        SECRET(input, total);
        int ret = 0;
        for (size_t done = 0, chunk = 1 + total % 70; done < total; done += chunk, chunk *= 9) {
            if (chunk > total - done) {
                chunk = total - done;
            }
            ret |= mbedtls_chacha20_update(&ctx, chunk, input + done, got + done);
        }
        mark_state(ctx.state, 0);
        PUBLIC(ctx.keystream8, sizeof(ctx.keystream8));
        PUBLIC(input, total);
        PUBLIC(got, total);
        int ok = ret == 0;
        for (size_t i = 0; i < total; i++) {
            ok &= got[i] == (unsigned char)(input[i] ^ keystream[i]);
        }
        cf_check(ok, "mbedtls_chacha20_update", (*n)++);
        mbedtls_chacha20_free(&ctx);
    }
}

int main(void) {
    size_t n = 0;
    cf_require_valgrind();
    check_path("SSE2", chacha20_sse2_4blocks, 4, &n);
    if (!chacha20_have_avx2()) {
        // valgrind supports AVX2 where the CPU has it: a CPU without it cannot check it here.
        printf("AVX2: this CPU (as valgrind shows it) has none, not checked\n");
    } else {
        check_path("AVX2", chacha20_avx2_8blocks, 8, &n);
    }
    printf("AVX-512: cannot run under valgrind (see the top of this file)\n");
    check_update_streams(&n);
    printf("%zu ChaCha20 runs checked\n", n);
    return cf_done();
}
