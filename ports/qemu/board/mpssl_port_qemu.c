// What the qemu port (board MPS2_AN385) lacks for mpssl: a millisecond tick
// for DTLS retransmission timers and a wall clock for certificate dates.
// A real board implements the same two functions from its SysTick and RTC.
#include <time.h>

#include "py/mphal.h"

#include "semihosting.h"

// The port's tick, used by the DTLS timers (ssl_io.c). The MPS2 port keeps
// no tick of its own (its SysTick vector is an error handler), so the
// emulator's clock is read: SYS_CLOCK counts centiseconds since start-up.
mp_uint_t mp_hal_ticks_ms(void) {
    return semihosting_call(SEMIHOSTING_SYS_CLOCK, NULL) * 10;
}

// The wall clock, in seconds since 1970-01-01 UTC: the one epoch Mbed TLS
// (mbedtls_time, mbedtls_ms_time, gmtime_r in ssl_platform.c) works in. A
// board whose RTC counts from MicroPython's 2000 epoch adds 946684800 here.
// The emulator asks the host (SYS_TIME), so certificate dates check out.
time_t mpssl_port_time(time_t *timer) {
    time_t now = (time_t)semihosting_call(SEMIHOSTING_SYS_TIME, NULL);
    if (timer != NULL) {
        *timer = now;
    }
    return now;
}
