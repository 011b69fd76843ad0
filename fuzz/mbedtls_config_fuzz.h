// Fuzzing only (make fuzz): Mbed TLS allocates from libc instead of the GC
// heap. The GC heap is one big block to AddressSanitizer, so an overrun of a
// record buffer inside it would go unseen; from libc every block has its own
// red zones, and LeakSanitizer sees what is never freed. The blocks are still
// counted by _mpssl_testing.live_allocations(), which the harnesses check
// after every input. Never for a real build.
#undef MBEDTLS_PLATFORM_CALLOC_MACRO
#undef MBEDTLS_PLATFORM_FREE_MACRO
#include <stdlib.h>
#include <stdbool.h>

bool mpssl_testing_alloc_allowed(void);
void mpssl_testing_alloc_track(int delta);

static inline void *mpssl_fuzz_calloc(size_t nmemb, size_t size) {
    void *ptr = mpssl_testing_alloc_allowed() ? calloc(nmemb, size) : NULL;
    if (ptr != NULL) {
        mpssl_testing_alloc_track(1);
    }
    return ptr;
}

static inline void mpssl_fuzz_free(void *ptr) {
    if (ptr != NULL) {
        mpssl_testing_alloc_track(-1);
    }
    free(ptr);
}

#define MBEDTLS_PLATFORM_CALLOC_MACRO mpssl_fuzz_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO mpssl_fuzz_free
