// libFuzzer harness for mpssl: MicroPython (the unix port's objects, with our
// module) is initialised once; each input is handed, as bytes, to the Python
// function fuzz_one() of this target's script (fuzz/<target>.py after
// fuzz/_prelude.py, compiled once at start-up). The script pushes the bytes
// through our module's entry points: certificate loading, or an SSLSocket
// over an in-memory transport.
//
// A Python exception is an ordinary outcome and the script catches it. What
// is a finding: a crash, a sanitizer report, a leak (LeakSanitizer, or the
// script's own check of _mpssl_testing.live_allocations() after closing
// everything), or an exception escaping fuzz_one(), which aborts here with
// its traceback.
//
// FUZZ_SCRIPT_HEADER names the generated header holding the script's text
// (fuzz_script[]); see tests/reliability/reliability.mk.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>

#include "py/builtin.h"
#include "py/compile.h"
#include "py/cstack.h"
#include "py/gc.h"
#include "py/mperrno.h"
#include "py/mphal.h"
#include "py/mpthread.h"
#include "py/objlist.h"
#include "py/runtime.h"
#include "extmod/vfs.h"
#include "extmod/vfs_posix.h"

#include FUZZ_SCRIPT_HEADER

// What the unix port's main.c would have defined.
long heap_size = 16 * 1024 * 1024;
const mp_print_t mp_stderr_print = {NULL, NULL};

void nlr_jump_fail(void *val) {
    fprintf(stderr, "fuzz: uncaught NLR %p\n", val);
    abort();
}

// MicroPython's stack limit check: generous, sanitizers make frames larger.
#define FUZZ_STACK_SIZE (1024 * 1024)

static mp_obj_t fuzz_one_name;

static void fuzz_report_and_abort(mp_obj_t exc) {
    fprintf(stderr, "fuzz: a Python exception escaped the harness script:\n");
    mp_obj_print_exception(&mp_plat_print, exc);
    fflush(stdout);
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    signal(SIGPIPE, SIG_IGN);
    #if MICROPY_PY_THREAD
    mp_thread_init();
    #endif
    mp_cstack_init_with_sp_here(FUZZ_STACK_SIZE);
    char *heap = malloc(heap_size);
    gc_init(heap, heap + heap_size);
    mp_init();
    // sys.path and sys.argv, as the unix port's main() sets them up (mp_init leaves them to
    // the port): importing an extensible built-in module (os, io) searches sys.path first.
    mp_sys_path = mp_obj_new_list(0, NULL);
    mp_obj_list_append(mp_sys_path, MP_OBJ_NEW_QSTR(MP_QSTR__dot_frozen));
    mp_obj_list_init(MP_OBJ_TO_PTR(mp_sys_argv), 0);

    // The host filesystem at /, as the unix port mounts it: the script reads the test
    // certificates through open().
    mp_obj_t args[2] = {
        MP_OBJ_TYPE_GET_SLOT(&mp_type_vfs_posix, make_new)(&mp_type_vfs_posix, 0, 0, NULL),
        MP_OBJ_NEW_QSTR(MP_QSTR__slash_),
    };
    mp_vfs_mount(2, args, (mp_map_t *)&mp_const_empty_map);
    MP_STATE_VM(vfs_cur) = MP_STATE_VM(vfs_mount_table);
    while (MP_STATE_VM(vfs_cur)->next != NULL) {
        MP_STATE_VM(vfs_cur) = MP_STATE_VM(vfs_cur)->next;
    }

    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_lexer_t *lex = mp_lexer_new_from_str_len(MP_QSTR__lt_string_gt_, fuzz_script, sizeof(fuzz_script) - 1, 0);
        qstr source_name = lex->source_name;
        mp_parse_tree_t tree = mp_parse(lex, MP_PARSE_FILE_INPUT);
        mp_obj_t module_fun = mp_compile(&tree, source_name, false);
        mp_call_function_0(module_fun);
        fuzz_one_name = MP_OBJ_NEW_QSTR(qstr_from_str("fuzz_one"));
        nlr_pop();
    } else {
        fuzz_report_and_abort(MP_OBJ_FROM_PTR(nlr.ret_val));
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    // The GC scans the C stack from here down: nothing above this frame holds Python objects.
    mp_cstack_init_with_sp_here(FUZZ_STACK_SIZE);
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t fuzz_one = mp_obj_dict_get(MP_OBJ_FROM_PTR(mp_globals_get()), fuzz_one_name);
        mp_call_function_1(fuzz_one, mp_obj_new_bytes(data, size));
        nlr_pop();
    } else {
        fuzz_report_and_abort(MP_OBJ_FROM_PTR(nlr.ret_val));
    }
    return 0;
}
