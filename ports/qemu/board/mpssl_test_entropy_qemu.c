// TEST ENTROPY FOR THE EMULATOR ONLY. A real board implements
// mpssl_port_random() with its hardware RNG (for example the STM32 RNG
// peripheral); the emulated MPS2 board has none.
//
// Here the emulator reads the host's /dev/urandom through semihosting: real
// randomness, but only because a host is attached. Firmware that runs on
// hardware must never contain this file: it fails to compile unless the
// qemu test build (ports/qemu/qemu.mk) defines MPSSL_QEMU_TEST_ENTROPY.
#if !defined(MPSSL_QEMU_TEST_ENTROPY)
#error "mpssl_test_entropy_qemu.c is test entropy for the QEMU emulator only: implement mpssl_port_random() with the board's hardware RNG"
#endif

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "semihosting.h"

int mpssl_port_random(unsigned char *out, size_t len);

int mpssl_port_random(unsigned char *out, size_t len) {
    static int handle = -1;
    if (handle < 0) {
        static const char path[] = "/dev/urandom";
        const uint32_t open_args[3] = { (uint32_t)path, 0 /* "rb" */, sizeof(path) - 1 };
        handle = (int)semihosting_call(SEMIHOSTING_SYS_OPEN, open_args);
        if (handle < 0) {
            return -1;
        }
    }
    while (len > 0) {
        const uint32_t read_args[3] = { (uint32_t)handle, (uint32_t)out, len };
        // SYS_READ answers with the number of bytes it did NOT read.
        uint32_t unread = semihosting_call(SEMIHOSTING_SYS_READ, read_args);
        if (unread >= len) {
            return -1;
        }
        out += len - unread;
        len = unread;
    }
    return 0;
}
