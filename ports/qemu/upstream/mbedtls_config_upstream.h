// Upstream MicroPython's Mbed TLS configuration for a bare-metal port, as
// ports/stm32/mbedtls/mbedtls_config_port.h writes it, with the time hooks
// pointed at our qemu board glue. Used only to measure upstream's footprint.
#ifndef MPSSL_MBEDTLS_CONFIG_UPSTREAM_H
#define MPSSL_MBEDTLS_CONFIG_UPSTREAM_H

#include <time.h>
time_t mpssl_port_time(time_t *timer);
#define MBEDTLS_PLATFORM_TIME_MACRO mpssl_port_time
#define MBEDTLS_PLATFORM_MS_TIME_ALT mbedtls_ms_time

#define MICROPY_MBEDTLS_CONFIG_BARE_METAL (1)
#include "extmod/mbedtls/mbedtls_config_common.h"

// Upstream builds MBEDTLS_ERROR_C's mbedtls_strerror() from
// lib/mbedtls_errors/mp_mbedtls_errors.c (about 4.7 KB), which Debian's
// source package does not ship. Rather than substitute Mbed TLS's much
// larger error.c, upstream is measured without error strings: its flash
// figure is about 4.7 KB below a real upstream build.
#undef MBEDTLS_ERROR_C

#endif // MPSSL_MBEDTLS_CONFIG_UPSTREAM_H
