// Every Mbed TLS allocation: mbedtls_calloc and mbedtls_free are
// mpssl_calloc and mpssl_free (see mbedtls_config_mpssl.h).
//
// Memory comes from MicroPython's GC heap through its tracked allocator:
// tracked blocks stay alive until freed (they hang off a root pointer) and
// count in gc.mem_free(), so a test sees exactly what TLS costs, and a
// device needs no libc malloc.
//
// Mbed TLS's bignum code allocates and frees small blocks by the thousand
// (about 16,500 for one TLS 1.3 handshake on P-256), and each trip through
// the GC allocator searches the heap: it was a fifth of a handshake's time.
// So while any handshake runs, freed blocks of up to 256 bytes wait on free
// lists, one per 16-byte size class, and are handed out again zeroed. The
// lists hold at most MPSSL_ALLOC_CACHE_BYTES and are emptied when the last
// handshake ends, so open connections and an idle module hold nothing extra.
//
// Sanitizer test builds (MPSSL_ALLOC_LIBC, make asan) take each block from
// libc instead, uncached, so that AddressSanitizer gives it red zones and a
// quarantine (the GC heap is one block to it); a GC-heap block of the
// product's size stands in for it, so gc.mem_alloc() and running out of heap
// are the product's.
#include <stdlib.h>
#include <string.h>

#include "py/runtime.h"
#include "py/misc.h"

#include "mpssl.h"

#ifndef MPSSL_ALLOC_CACHE_BYTES
#define MPSSL_ALLOC_CACHE_BYTES (8192)
#endif

#define SSL_ALLOC_GRAIN (16)
#define SSL_ALLOC_CLASSES (16) // blocks of 16 to 256 bytes

#if defined(MPSSL_ALLOC_LIBC) && !defined(MPSSL_TESTING)
#error "MPSSL_ALLOC_LIBC is for test builds only"
#endif

// Each block starts with its usable size (rounded up to the grain for
// cacheable sizes); the caller's memory follows, 8-byte aligned.
typedef union _ssl_alloc_header_t {
    struct {
        size_t size;
        #if defined(MPSSL_ALLOC_LIBC)
        void *stand_in; // the GC-heap block of the product's size
        #endif
    };
    uint64_t align;
} ssl_alloc_header_t;

// A cached block's memory holds the link to the next one.
typedef struct _ssl_alloc_free_t {
    struct _ssl_alloc_free_t *next;
} ssl_alloc_free_t;

static ssl_alloc_free_t *ssl_alloc_cache[SSL_ALLOC_CLASSES];
static size_t ssl_alloc_cached_bytes;
static size_t ssl_alloc_handshakes;

// Mbed TLS does not always report a failed allocation as such (inside PSA
// or X.509 verification it can surface as a handshake or signature error),
// so a failure is also remembered here: the error funnel then reports
// ENOMEM, the real cause.
static bool ssl_alloc_failed;

static bool ssl_alloc_cacheable(size_t size) {
    #if defined(MPSSL_ALLOC_LIBC)
    (void)size;
    return false;
    #else
    return ssl_alloc_handshakes > 0 && size <= SSL_ALLOC_GRAIN * SSL_ALLOC_CLASSES;
    #endif
}

static size_t ssl_alloc_class(size_t rounded) {
    return rounded / SSL_ALLOC_GRAIN - 1;
}

#if defined(MPSSL_ALLOC_LIBC)
static ssl_alloc_header_t *ssl_alloc_block(size_t size) {
    void *stand_in = m_tracked_calloc(1, sizeof(uint64_t) + size);
    ssl_alloc_header_t *header = stand_in ? calloc(1, sizeof(ssl_alloc_header_t) + size) : NULL;
    if (header == NULL) {
        m_tracked_free(stand_in);
        return NULL;
    }
    header->stand_in = stand_in;
    return header;
}

static void ssl_alloc_block_free(ssl_alloc_header_t *header) {
    m_tracked_free(header->stand_in);
    free(header);
}
#else
static ssl_alloc_header_t *ssl_alloc_block(size_t size) {
    return m_tracked_calloc(1, sizeof(ssl_alloc_header_t) + size);
}

static void ssl_alloc_block_free(ssl_alloc_header_t *header) {
    m_tracked_free(header);
}
#endif

static void *ssl_alloc_from_heap(size_t size) {
    ssl_alloc_header_t *header = ssl_alloc_block(size);
    if (header == NULL) {
        return NULL;
    }
    header->size = size;
    return header + 1;
}

void *mpssl_calloc(size_t nmemb, size_t size) {
    if (nmemb == 0 || size == 0) {
        return NULL;
    }
    void *ptr = NULL;
    bool allowed = nmemb <= (SIZE_MAX - sizeof(ssl_alloc_header_t) - SSL_ALLOC_GRAIN) / size;
    #if defined(MPSSL_TESTING)
    // Every allocation can be made to fail, cached or not.
    allowed = allowed && mpssl_testing_alloc_allowed();
    #endif
    if (allowed) {
        size_t bytes = nmemb * size;
        if (ssl_alloc_cacheable(bytes)) {
            bytes = (bytes + SSL_ALLOC_GRAIN - 1) & ~(size_t)(SSL_ALLOC_GRAIN - 1);
            ssl_alloc_free_t **list = &ssl_alloc_cache[ssl_alloc_class(bytes)];
            if (*list != NULL) {
                ptr = *list;
                *list = (*list)->next;
                ssl_alloc_cached_bytes -= bytes;
                memset(ptr, 0, bytes);
            }
        }
        if (ptr == NULL) {
            ptr = ssl_alloc_from_heap(bytes);
        }
    }
    if (ptr == NULL) {
        ssl_alloc_failed = true;
        return NULL;
    }
    #if defined(MPSSL_TESTING)
    mpssl_testing_alloc_track(1);
    #endif
    return ptr;
}

void mpssl_free(void *ptr) {
    if (ptr == NULL) {
        return;
    }
    #if defined(MPSSL_TESTING)
    mpssl_testing_alloc_track(-1);
    #endif
    ssl_alloc_header_t *header = (ssl_alloc_header_t *)ptr - 1;
    size_t size = header->size;
    if (ssl_alloc_cacheable(size) && ssl_alloc_cached_bytes + size <= MPSSL_ALLOC_CACHE_BYTES
        && size % SSL_ALLOC_GRAIN == 0) {
        ssl_alloc_free_t *block = ptr;
        ssl_alloc_free_t **list = &ssl_alloc_cache[ssl_alloc_class(size)];
        block->next = *list;
        *list = block;
        ssl_alloc_cached_bytes += size;
        return;
    }
    ssl_alloc_block_free(header);
}

// Returns every cached block to the GC heap.
static void ssl_alloc_drain(void) {
    for (size_t i = 0; i < SSL_ALLOC_CLASSES; ++i) {
        while (ssl_alloc_cache[i] != NULL) {
            ssl_alloc_free_t *block = ssl_alloc_cache[i];
            ssl_alloc_cache[i] = block->next;
            ssl_alloc_block_free((ssl_alloc_header_t *)block - 1);
        }
    }
    ssl_alloc_cached_bytes = 0;
}

void mpssl_alloc_handshake_started(void) {
    ++ssl_alloc_handshakes;
}

void mpssl_alloc_handshake_ended(void) {
    // Guarded: at soft reset a socket's finaliser may run after the reset.
    if (ssl_alloc_handshakes > 0 && --ssl_alloc_handshakes == 0) {
        ssl_alloc_drain();
    }
}

// At soft reset: the GC heap is about to go, and everything on it.
void mpssl_alloc_reset(void) {
    ssl_alloc_drain();
    ssl_alloc_handshakes = 0;
}

void mpssl_alloc_watch_start(void) {
    ssl_alloc_failed = false;
}

// A failed allocation that Mbed TLS survives as it should (a record buffer
// kept at its larger size, a ticket passed over): the watch starts afresh,
// and tests can tell.
void mpssl_alloc_watch_forgive(void) {
    #if defined(MPSSL_TESTING)
    if (ssl_alloc_failed) {
        mpssl_testing_alloc_forgiven();
    }
    #endif
    ssl_alloc_failed = false;
}

bool mpssl_alloc_watch_failed(void) {
    return ssl_alloc_failed;
}
