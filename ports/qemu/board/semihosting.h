// Semihosting calls, the emulator's window on the host. QEMU answers them
// when started with -semihosting (the qemu port's default arguments), on
// both boards: Arm's interface, which RISC-V reuses with the same operation
// numbers. Used for the clock and, in the test build only, for entropy.
#ifndef MPSSL_QEMU_SEMIHOSTING_H
#define MPSSL_QEMU_SEMIHOSTING_H

#include <stdint.h>

#define SEMIHOSTING_SYS_OPEN (0x01)
#define SEMIHOSTING_SYS_READ (0x06)
#define SEMIHOSTING_SYS_CLOCK (0x10)
#define SEMIHOSTING_SYS_TIME (0x11)

#if defined(__riscv)
// The RISC-V semihosting trap is an ebreak between two no-op shifts, all
// three uncompressed (the debugger recognises the exact sequence) and in one
// page (hence the alignment).
static inline uint32_t semihosting_call(uint32_t op, const void *arg) {
    register uint32_t a0 __asm__ ("a0") = op;
    register const void *a1 __asm__ ("a1") = arg;
    __asm__ volatile (
        ".option push\n"
        ".option norvc\n"
        ".balign 16\n"
        "slli zero, zero, 0x1f\n"
        "ebreak\n"
        "srai zero, zero, 7\n"
        ".option pop\n"
        : "+r" (a0) : "r" (a1) : "memory");
    return a0;
}
#else
static inline uint32_t semihosting_call(uint32_t op, const void *arg) {
    register uint32_t r0 __asm__ ("r0") = op;
    register const void *r1 __asm__ ("r1") = arg;
    __asm__ volatile ("bkpt 0xab" : "+r" (r0) : "r" (r1) : "memory");
    return r0;
}
#endif

#endif // MPSSL_QEMU_SEMIHOSTING_H
