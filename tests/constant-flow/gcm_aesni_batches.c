// Patch 0007 (GCM: whole blocks in batches of eight with AES-NI and carry-less multiply):
// mbedtls_gcm_update() over messages of 0 to 40 blocks and odd tails, encrypting and
// decrypting, with the key, the IV and the data secret (the round keys, H and its powers,
// the counter blocks and the GHASH state all derive from them); and the batched function,
// mbedtls_aesni_gcm_crypt_blocks(), called directly with its context and input secret.
// Results are made public and compared with the unbatched path (mbedtls_gcm_update() given
// one block at a time). The key is secret from before mbedtls_gcm_setkey(), so upstream's
// AES-NI key expansion and GHASH are checked along.
// cflags: -maes -mpclmul -msse2
#include "gcm.c"

#include "_cf.h"

#include "aesni.h"

#if !(defined(MBEDTLS_AESNI_HAVE_CODE) && MBEDTLS_AESNI_HAVE_CODE == 2)
#error "this test is for the AES-NI intrinsics build"
#endif

#define MAX_LEN (40 * 16 + 15)

// GCM of `len` bytes fed in chunks of `chunk` bytes; out gets the output, tag the tag.
static void gcm_run(int mode, const unsigned char key[32], size_t key_bits, const unsigned char iv[12],
                    const unsigned char *in, size_t len, size_t chunk, unsigned char *out,
                    unsigned char tag[16], int secret) {
    mbedtls_gcm_context ctx;
    size_t olen;
    mbedtls_gcm_init(&ctx);
    mbedtls_gcm_setkey(&ctx, MBEDTLS_CIPHER_ID_AES, key, (unsigned) key_bits);
    mbedtls_gcm_starts(&ctx, mode, iv, 12);
    mbedtls_gcm_update_ad(&ctx, iv, 5);
    for (size_t done = 0; done < len; done += chunk) {
        size_t n = len - done < chunk ? len - done : chunk;
        mbedtls_gcm_update(&ctx, in + done, n, out + done, n, &olen);
    }
    mbedtls_gcm_finish(&ctx, NULL, 0, &olen, tag, 16);
    if (secret) {
        PUBLIC(&ctx, sizeof(ctx));  // freed below: the wipe writes it
    }
    mbedtls_gcm_free(&ctx);
}

// mbedtls_aesni_gcm_crypt_blocks() itself on 16 blocks, against the same blocks one at a time.
static void check_direct(int mode, size_t n) {
    unsigned char key[16], iv[12], in[256], out[256], want[256];
    mbedtls_gcm_context ctx, ref;
    size_t olen;
    cf_random_bytes(key, sizeof(key));
    cf_random_bytes(iv, sizeof(iv));
    cf_random_bytes(in, sizeof(in));
    mbedtls_gcm_init(&ctx);
    mbedtls_gcm_init(&ref);
    mbedtls_gcm_setkey(&ctx, MBEDTLS_CIPHER_ID_AES, key, 128);
    mbedtls_gcm_setkey(&ref, MBEDTLS_CIPHER_ID_AES, key, 128);
    mbedtls_gcm_starts(&ctx, mode, iv, 12);
    mbedtls_gcm_starts(&ref, mode, iv, 12);
    for (size_t i = 0; i < sizeof(in); i += 16) {
        mbedtls_gcm_update(&ref, in + i, 16, want + i, 16, &olen);
    }

    // Secret: the round keys, H, the counter block, the GHASH state, the data. Public: the
    // number of rounds and where the round keys start (the key's length).
    mbedtls_aes_context *aes = ctx.cipher_ctx.cipher_ctx;
    SECRET(aes->buf, sizeof(aes->buf));
    SECRET(ctx.H, sizeof(ctx.H));
    SECRET(ctx.y, sizeof(ctx.y));
    SECRET(ctx.buf, sizeof(ctx.buf));
    SECRET(in, sizeof(in));
    size_t done = mbedtls_aesni_gcm_crypt_blocks(aes, mode == MBEDTLS_GCM_DECRYPT, ctx.y, ctx.buf,
                                                 (const unsigned char *)ctx.H[MBEDTLS_GCM_HTABLE_SIZE / 2],
                                                 in, out, sizeof(in) / 16);
    PUBLIC(&ctx, sizeof(ctx));
    PUBLIC(aes->buf, sizeof(aes->buf));
    PUBLIC(out, sizeof(out));
    cf_check(done == 16 && memcmp(out, want, sizeof(out)) == 0 && memcmp(ctx.y, ref.y, 16) == 0
             && memcmp(ctx.buf, ref.buf, 16) == 0, "mbedtls_aesni_gcm_crypt_blocks", n);
    mbedtls_gcm_free(&ctx);
    mbedtls_gcm_free(&ref);
}

int main(void) {
    static unsigned char key[32], iv[12], in[MAX_LEN], out[MAX_LEN], want[MAX_LEN];
    unsigned char tag[16], want_tag[16];
    size_t n = 0;
    cf_require_valgrind();
    if (!mbedtls_aesni_has_support(MBEDTLS_AESNI_AES | MBEDTLS_AESNI_CLMUL)) {
        printf("valgrind reports no AES-NI or PCLMULQDQ on this CPU: the batched path cannot run\n");
        return 1;
    }
    for (size_t len = 0; len <= MAX_LEN; len += 16 + len / 8) {
        for (int mode = MBEDTLS_GCM_DECRYPT; mode <= MBEDTLS_GCM_ENCRYPT; mode++) {
            size_t key_bits = 128 + 64 * (n % 3);
            cf_random_bytes(key, sizeof(key));
            cf_random_bytes(iv, sizeof(iv));
            cf_random_bytes(in, len);
            gcm_run(mode, key, key_bits, iv, in, len, 16, want, want_tag, 0);

            SECRET(key, sizeof(key));
            SECRET(iv, sizeof(iv));
            SECRET(in, len);
            gcm_run(mode, key, key_bits, iv, in, len, len + 1, out, tag, 1);
            PUBLIC(key, sizeof(key));
            PUBLIC(iv, sizeof(iv));
            PUBLIC(in, len);
            PUBLIC(out, len);
            PUBLIC(tag, sizeof(tag));
            cf_check(memcmp(out, want, len) == 0 && memcmp(tag, want_tag, 16) == 0,
                     "mbedtls_gcm_update in batches", n++);
        }
    }
    check_direct(MBEDTLS_GCM_ENCRYPT, n++);
    check_direct(MBEDTLS_GCM_DECRYPT, n++);
    printf("%zu GCM messages of up to %d bytes checked\n", n, MAX_LEN);
    return cf_done();
}
