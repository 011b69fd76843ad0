// What Mbed TLS needs from the platform: memory, entropy and one shared
// random generator.
#include <string.h>

#include "py/runtime.h"
#include "py/misc.h"

#include "mbedtls/entropy.h"
#include "mbedtls/ctr_drbg.h"
#include "psa/crypto.h"

#include "mpssl.h"

#if defined(__unix__) || defined(__APPLE__)
#include <sys/random.h>
#endif

// Mbed TLS allocates from MicroPython's GC heap. Tracked blocks stay alive
// until freed (they hang off a root pointer) and count in gc.mem_free(), so a
// test sees exactly what TLS costs, and a device needs no libc malloc.
void *mpssl_calloc(size_t nmemb, size_t size) {
    if (size != 0 && nmemb > SIZE_MAX / size) {
        return NULL;
    }
    return m_tracked_calloc(nmemb, size);
}

void mpssl_free(void *ptr) {
    m_tracked_free(ptr);
}

// The entropy source: the operating system's on unix. A port for a board
// provides mpssl_port_random() from its hardware RNG instead.
#if defined(__unix__) || defined(__APPLE__)
static int mpssl_port_random(unsigned char *out, size_t len) {
    while (len > 0) {
        ssize_t n = getrandom(out, len, 0);
        if (n < 0) {
            return -1;
        }
        out += n;
        len -= n;
    }
    return 0;
}
#else
int mpssl_port_random(unsigned char *out, size_t len);
#endif

// Mbed TLS's entropy collector calls this (MBEDTLS_ENTROPY_HARDWARE_ALT).
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen) {
    (void)data;
    if (mpssl_port_random(output, len) != 0) {
        *olen = 0;
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    *olen = len;
    return 0;
}

// One CTR-DRBG for every context: seeding costs entropy and time, and its
// state (about 400 bytes) need not be paid per context.
static mbedtls_entropy_context mpssl_entropy;
static mbedtls_ctr_drbg_context mpssl_drbg;
static bool mpssl_platform_ready;

void mpssl_platform_init(void) {
    if (mpssl_platform_ready) {
        return;
    }
    mbedtls_entropy_init(&mpssl_entropy);
    mbedtls_ctr_drbg_init(&mpssl_drbg);
    static const char personalisation[] = "mpssl";
    int ret = mbedtls_ctr_drbg_seed(&mpssl_drbg, mbedtls_entropy_func, &mpssl_entropy,
        (const unsigned char *)personalisation, sizeof(personalisation) - 1);
    if (ret == 0) {
        // TLS 1.3 runs through PSA, which keeps its own random generator.
        psa_status_t status = psa_crypto_init();
        ret = status == PSA_SUCCESS ? 0 : MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    if (ret != 0) {
        mbedtls_ctr_drbg_free(&mpssl_drbg);
        mbedtls_entropy_free(&mpssl_entropy);
        mpssl_raise(ret, 0);
    }
    mpssl_platform_ready = true;
}

int mpssl_rng(void *ctx, unsigned char *out, size_t len) {
    (void)ctx;
    return mbedtls_ctr_drbg_random(&mpssl_drbg, out, len);
}
