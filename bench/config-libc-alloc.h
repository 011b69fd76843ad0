// Measurement only (make bench): Mbed TLS allocates from libc, as upstream's
// unix build does, so valgrind massif sees its heap the same way for both
// binaries. Never for a real build: the GC heap is the point of mpssl's own.
#undef MBEDTLS_PLATFORM_CALLOC_MACRO
#undef MBEDTLS_PLATFORM_FREE_MACRO
#include <stdlib.h>
#define MBEDTLS_PLATFORM_CALLOC_MACRO calloc
#define MBEDTLS_PLATFORM_FREE_MACRO free
