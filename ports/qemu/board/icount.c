// The icount module: how many instructions the emulated core has executed,
// for `make footprint`'s handshake cost (ports/qemu/footprint.py). The count
// is the emulator's virtual clock, which follows the instructions executed
// only when qemu runs with -icount shift=0 (one instruction, one
// nanosecond): without that option the numbers are host time, not
// instructions.
//
//   RISC-V (VIRT_RV32): the instret counter, which qemu derives from that
//   clock: exact.
//   Cortex-M3 (MPS2_AN385): the board has no such counter (qemu implements
//   no DWT cycle counter), so CMSDK APB timer 0, which counts down at the
//   board's 25 MHz peripheral clock: one tick every 40 instructions, the
//   count's resolution.
#include <stdint.h>

#include "py/obj.h"
#include "py/runtime.h"

#if defined(__riscv)

static uint64_t icount_read(void) {
    uint32_t hi, lo, hi_again;
    // The upper half may carry between the two reads: read until it holds.
    do {
        __asm__ volatile ("csrr %0, instreth" : "=r" (hi));
        __asm__ volatile ("csrr %0, instret" : "=r" (lo));
        __asm__ volatile ("csrr %0, instreth" : "=r" (hi_again));
    } while (hi != hi_again);
    return ((uint64_t)hi << 32) | lo;
}

#else

typedef struct {
    volatile uint32_t ctrl;
    volatile uint32_t value;
    volatile uint32_t reload;
} apb_timer_t;

#define APB_TIMER0 ((apb_timer_t *)0x40000000)
#define APB_TIMER_ENABLE (1)
#define INSTRUCTIONS_PER_TICK (1000000000 / 25000000)

static uint64_t icount_read(void) {
    // Started on first use, free-running over 2^32 ticks (171 s of virtual
    // time): callers take differences modulo that.
    if (!(APB_TIMER0->ctrl & APB_TIMER_ENABLE)) {
        APB_TIMER0->reload = 0xffffffff;
        APB_TIMER0->value = 0xffffffff;
        APB_TIMER0->ctrl = APB_TIMER_ENABLE;
    }
    uint32_t elapsed = 0xffffffff - APB_TIMER0->value;
    return (uint64_t)elapsed * INSTRUCTIONS_PER_TICK;
}

#endif

static mp_obj_t icount_instructions(void) {
    return mp_obj_new_int_from_ull(icount_read());
}
static MP_DEFINE_CONST_FUN_OBJ_0(icount_instructions_obj, icount_instructions);

static const mp_rom_map_elem_t icount_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_icount) },
    { MP_ROM_QSTR(MP_QSTR_instructions), MP_ROM_PTR(&icount_instructions_obj) },
};
static MP_DEFINE_CONST_DICT(icount_module_globals, icount_module_globals_table);

const mp_obj_module_t icount_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&icount_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR_icount, icount_module);
