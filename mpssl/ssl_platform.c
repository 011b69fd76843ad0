// What Mbed TLS needs from the platform: memory, entropy and one shared
// random generator.
#include <string.h>

#include "py/runtime.h"
#include "py/misc.h"

#include "mbedtls/entropy.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/platform_time.h"
#include "psa/crypto.h"

#include "mpssl.h"

#if defined(__unix__) || defined(__APPLE__)
#include <sys/random.h>
#endif

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

// Time on a board without an operating system. The configuration names the
// port's wall clock as mbedtls_time() (MBEDTLS_PLATFORM_TIME_MACRO, seconds
// since 1970); the millisecond clock and the calendar date derive from that
// same clock, so every time Mbed TLS sees shares one epoch.
#if defined(MBEDTLS_PLATFORM_MS_TIME_ALT)
mbedtls_ms_time_t mbedtls_ms_time(void) {
    return (mbedtls_ms_time_t)mbedtls_time(NULL) * 1000;
}
#endif

#if defined(MBEDTLS_PLATFORM_GMTIME_R_ALT)
// The UTC calendar date of a time (Howard Hinnant's days-to-civil), for
// certificate validity checks: a board has no libc gmtime_r, and glibc's
// reads the time zone database (which UTC does not need) into the heap.
struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf) {
    int64_t t = (int64_t)*tt;
    int64_t days = t / 86400;
    int64_t secs = t % 86400;
    if (secs < 0) {
        secs += 86400;
        days -= 1;
    }
    memset(tm_buf, 0, sizeof(*tm_buf));
    tm_buf->tm_hour = (int)(secs / 3600);
    tm_buf->tm_min = (int)(secs / 60 % 60);
    tm_buf->tm_sec = (int)(secs % 60);
    tm_buf->tm_wday = (int)((days % 7 + 11) % 7); // 1970-01-01 was a Thursday
    days += 719468; // from 1970-03-01 back to 0000-03-01
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t mon = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (mon <= 2);
    tm_buf->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
    tm_buf->tm_mon = (int)(mon - 1);
    tm_buf->tm_year = (int)(year - 1900);
    return tm_buf;
}
#endif

// One CTR-DRBG for every context: seeding costs entropy and time, and its
// state (about 400 bytes) need not be paid per context.
static mbedtls_entropy_context mpssl_entropy;
static mbedtls_ctr_drbg_context mpssl_drbg;
static bool mpssl_platform_ready;

static void mpssl_platform_free(void) {
    mpssl_alloc_reset();
    #if defined(MBEDTLS_PSA_CRYPTO_C)
    mbedtls_psa_crypto_free();
    #endif
    mbedtls_ctr_drbg_free(&mpssl_drbg);
    mbedtls_entropy_free(&mpssl_entropy);
    mpssl_platform_ready = false;
}

// The shared state lives outside the GC heap but PSA's keeps allocations in
// it. A soft reset sweeps the heap, running every finaliser first
// (gc_sweep_all): this object's frees the shared state with it, so the next
// context sets it up afresh instead of pointing into the old heap. A root
// pointer keeps the object alive until then.
typedef struct _mpssl_platform_obj_t {
    mp_obj_base_t base;
} mpssl_platform_obj_t;

static mp_obj_t mpssl_platform___del__(mp_obj_t self_in) {
    (void)self_in;
    if (mpssl_platform_ready) {
        mpssl_platform_free();
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(mpssl_platform___del___obj, mpssl_platform___del__);

static const mp_rom_map_elem_t mpssl_platform_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&mpssl_platform___del___obj) },
};
static MP_DEFINE_CONST_DICT(mpssl_platform_locals_dict, mpssl_platform_locals_dict_table);

static MP_DEFINE_CONST_OBJ_TYPE(
    mpssl_platform_type,
    MP_QSTR_mpssl_platform,
    MP_TYPE_FLAG_NONE,
    locals_dict, &mpssl_platform_locals_dict
    );

MP_REGISTER_ROOT_POINTER(mp_obj_t mpssl_platform);

#if defined(MBEDTLS_PSA_CRYPTO_C)
// PSA allocates its first table of volatile key slots (16 of them, 0.9 KB)
// for the first key made, and keeps it for every later one. Made and
// destroyed here, a key takes that table now, with the rest of the state all
// connections share, rather than in the middle of the first handshake,
// where it would add to the handshake's peak and stay behind as an island
// between the handshake's freed blocks.
static psa_status_t mpssl_platform_take_key_slots(void) {
    static const uint8_t placeholder[1];
    psa_key_attributes_t attributes = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attributes, PSA_KEY_TYPE_RAW_DATA);
    mbedtls_svc_key_id_t key;
    psa_status_t status = psa_import_key(&attributes, placeholder, sizeof(placeholder), &key);
    if (status == PSA_SUCCESS) {
        status = psa_destroy_key(key);
    }
    return status;
}
#endif

void mpssl_platform_init(void) {
    if (mpssl_platform_ready) {
        return;
    }
    // Allocated first: a MemoryError now leaves nothing to undo.
    mpssl_platform_obj_t *keeper = mp_obj_malloc_with_finaliser(mpssl_platform_obj_t, &mpssl_platform_type);
    mpssl_alloc_watch_start();
    mbedtls_entropy_init(&mpssl_entropy);
    mbedtls_ctr_drbg_init(&mpssl_drbg);
    static const char personalisation[] = "mpssl";
    int ret = mbedtls_ctr_drbg_seed(&mpssl_drbg, mbedtls_entropy_func, &mpssl_entropy,
        (const unsigned char *)personalisation, sizeof(personalisation) - 1);
    #if defined(MBEDTLS_PSA_CRYPTO_C)
    if (ret == 0) {
        // TLS 1.3 runs through PSA, which keeps its own random generator.
        psa_status_t status = psa_crypto_init();
        if (status == PSA_SUCCESS) {
            status = mpssl_platform_take_key_slots();
        }
        ret = status == PSA_SUCCESS ? 0
            : status == PSA_ERROR_INSUFFICIENT_MEMORY ? MBEDTLS_ERR_SSL_ALLOC_FAILED
            : MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    #endif
    if (ret != 0 && mpssl_alloc_watch_failed()) {
        ret = MBEDTLS_ERR_SSL_ALLOC_FAILED;
    }
    mpssl_platform_ready = true;
    if (ret != 0) {
        mpssl_platform_free();
        mpssl_raise(ret, 0);
    }
    MP_STATE_VM(mpssl_platform) = MP_OBJ_FROM_PTR(keeper);
}

int mpssl_rng(void *ctx, unsigned char *out, size_t len) {
    (void)ctx;
    return mbedtls_ctr_drbg_random(&mpssl_drbg, out, len);
}
