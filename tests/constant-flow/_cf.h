// Shared by the constant-flow tests (tests/constant-flow/*.c), Mbed TLS's own method
// (its MBEDTLS_TEST_CONSTANT_FLOW_VALGRIND): each test marks its secrets undefined for
// valgrind's memcheck (SECRET), so that any branch or memory address computed from them is
// reported as a use of uninitialised memory, and marks results defined (PUBLIC) before it
// compares them. tools/run-tests.py runs each under
// `valgrind --error-exitcode=1 --track-origins=yes`: a report fails the test. Each test also
// checks its results against Mbed TLS's own code, so that a path that computes nothing cannot
// pass. Included after the library file a test includes.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/memcheck.h>

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

// What the unix build's objects expect from the module (mpssl/ssl_platform.c, ssl_alloc.c).
void *mpssl_calloc(size_t nmemb, size_t size) {
    return calloc(nmemb, size);
}
void mpssl_free(void *ptr) {
    free(ptr);
}

static unsigned cf_failures;

// Outside valgrind nothing would be checked: refuse to pass there.
static void cf_require_valgrind(void) {
    if (!RUNNING_ON_VALGRIND) {
        printf("not under valgrind, so nothing would be checked: run me as "
               "valgrind --error-exitcode=1 --track-origins=yes PROGRAM (tools/run-tests.py does)\n");
        exit(2);
    }
}

static void cf_check(int ok, const char *what, size_t case_number) {
    if (!ok) {
        cf_failures++;
        printf("WRONG RESULT %s (case %zu)\n", what, case_number);
    }
}

static int cf_done(void) {
    printf("%u wrong results\n", cf_failures);
    return cf_failures != 0;
}

// A fixed pseudo-random sequence (xorshift64), so that a failure can be replayed.
static uint64_t cf_rng_state = 0x9E3779B97F4A7C15u;
static uint64_t cf_random(void) {
    cf_rng_state ^= cf_rng_state << 13;
    cf_rng_state ^= cf_rng_state >> 7;
    cf_rng_state ^= cf_rng_state << 17;
    return cf_rng_state;
}
static void cf_random_bytes(unsigned char *buf, size_t len) {
    for (size_t i = 0; i < len; i++) {
        buf[i] = (unsigned char)cf_random();
    }
}
// The same, as an f_rng for Mbed TLS.
static int cf_rng(void *ctx, unsigned char *buf, size_t len) {
    (void)ctx;
    cf_random_bytes(buf, len);
    return 0;
}
