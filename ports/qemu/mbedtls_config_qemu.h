// Mbed TLS configuration for mpssl on bare metal (the qemu port, board
// MPS2_AN385). Named by MPSSL_MBEDTLS_CONFIG_USER, so it is read at the end
// of mpssl/mbedtls_config_mpssl.h and may #undef what that enables.
//
// First the profile (small or full, MPSSL_PROFILE in qemu.mk), then what
// any board without an operating system needs. A board port copies the
// second half as it is and provides the three port functions it names.
#ifndef MPSSL_MBEDTLS_CONFIG_QEMU_H
#define MPSSL_MBEDTLS_CONFIG_QEMU_H

#if defined(MPSSL_PROFILE_HEADER)
#include MPSSL_PROFILE_HEADER
#endif

// ---- Bare metal ----------------------------------------------------------

// No libc clock: mbedtls_time() is the port's wall clock, in seconds since
// 1970 (mpssl_port_time, ports/qemu/board/mpssl_port_qemu.c). The same clock
// feeds mbedtls_ms_time() and gmtime_r(), both in mpssl/ssl_platform.c, so
// certificate dates and TLS 1.3 ticket ages share one epoch.
#include <time.h>
time_t mpssl_port_time(time_t *timer);
#define MBEDTLS_PLATFORM_TIME_MACRO mpssl_port_time
#define MBEDTLS_PLATFORM_MS_TIME_ALT

// Entropy is mpssl_port_random() (the board's hardware RNG), already wired
// by mbedtls_config_mpssl.h through MBEDTLS_ENTROPY_HARDWARE_ALT.

// AES tables in flash, not built at run time in 8 KiB of RAM.
#define MBEDTLS_AES_ROM_TABLES

// No x86 here: AES-NI stays off (the base config only enables it there).

// A measurement's overrides, last of all: `make footprint` experiments
// (README, "Handshake instructions") build a variant with
// -DMPSSL_QEMU_CONFIG_EXPERIMENT=\"file.h\". No product build sets it.
#if defined(MPSSL_QEMU_CONFIG_EXPERIMENT)
#include MPSSL_QEMU_CONFIG_EXPERIMENT
#endif

#endif // MPSSL_MBEDTLS_CONFIG_QEMU_H
