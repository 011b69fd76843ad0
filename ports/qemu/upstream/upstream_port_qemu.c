// The port hooks upstream's bare-metal Mbed TLS configuration expects
// (compare ports/stm32/mbedtls/mbedtls_port.c), on our qemu board glue.
#include <stdbool.h>
#include <time.h>

#include "py/mpconfig.h"
#include "shared/timeutils/timeutils.h"
#include "mbedtls/platform_time.h"

int mpssl_port_random(unsigned char *out, size_t len);
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen) {
    (void)data;
    *olen = 0;
    if (mpssl_port_random(output, len) != 0) {
        return -1;
    }
    *olen = len;
    return 0;
}

mbedtls_ms_time_t mbedtls_ms_time(void) {
    return (mbedtls_ms_time_t)mpssl_port_time(NULL) * 1000;
}

// Mbed TLS's platform_util.c calls gmtime() when there is no gmtime_r.
struct tm *gmtime(const time_t *timep) {
    static struct tm tm;
    timeutils_struct_time_t tm_buf = {0};
    timeutils_seconds_since_2000_to_struct_time((mp_uint_t)(*timep - 946684800), &tm_buf);
    tm.tm_sec = tm_buf.tm_sec;
    tm.tm_min = tm_buf.tm_min;
    tm.tm_hour = tm_buf.tm_hour;
    tm.tm_mday = tm_buf.tm_mday;
    tm.tm_mon = tm_buf.tm_mon - 1;
    tm.tm_year = tm_buf.tm_year - 1900;
    tm.tm_wday = tm_buf.tm_wday;
    tm.tm_yday = tm_buf.tm_yday;
    tm.tm_isdst = -1;
    return &tm;
}
