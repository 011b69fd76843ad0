// ARM semihosting calls, the emulator's window on the host. QEMU answers
// them when started with -semihosting (the qemu port's default arguments).
// Used for the clock and, in the test build only, for entropy.
#ifndef MPSSL_QEMU_SEMIHOSTING_H
#define MPSSL_QEMU_SEMIHOSTING_H

#include <stdint.h>

#define SEMIHOSTING_SYS_OPEN (0x01)
#define SEMIHOSTING_SYS_READ (0x06)
#define SEMIHOSTING_SYS_CLOCK (0x10)
#define SEMIHOSTING_SYS_TIME (0x11)

static inline uint32_t semihosting_call(uint32_t op, const void *arg) {
    register uint32_t r0 __asm__ ("r0") = op;
    register const void *r1 __asm__ ("r1") = arg;
    __asm__ volatile ("bkpt 0xab" : "+r" (r0) : "r" (r1) : "memory");
    return r0;
}

#endif // MPSSL_QEMU_SEMIHOSTING_H
