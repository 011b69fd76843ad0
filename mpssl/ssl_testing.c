// _mpssl_testing: hooks for tests, compiled only when MPSSL_TESTING is
// defined (the unix test build does; firmware does not).
//   pipe()                  -> (a, b): two ends of an in-memory byte stream,
//                              for handshakes without sockets (and fuzzing)
//   fail_allocation_after(n) the n-th TLS allocation from now fails (0: none)
//   allocations()           -> TLS allocations made so far
//   live_allocations()      -> TLS allocations not yet freed (leak checks
//                              that the conservative GC cannot blur)
//   forgiven_allocations()  -> failed allocations that a connection rightly
//                              survived (record buffers left at their size,
//                              TLS 1.3 tickets passed over)
//   tcp_nodelay(sock)       -> whether TCP_NODELAY is set on a unix-port
//                              socket (Linux; its socket module cannot say)
//   send_handshake(s, msg)   sends msg (a whole handshake message, header
//                              included) on SSLSocket s in a record of its
//                              own, sealed under s's current keys: the
//                              malformed messages a hostile peer sends
//   last_alert(s)           -> the description of the alert s last read,
//                              or None: which alert a peer sent us
#include <string.h>

// Mbed TLS's record layer, for send_handshake (its own header, not public).
#include "../library/ssl_misc.h"

#include "py/runtime.h"
#include "py/stream.h"
#include "py/mperrno.h"

#include "mpssl.h"

#if defined(MPSSL_TESTING)

// ---- Allocation failure injection -----------------------------------------

static size_t testing_alloc_count;
static size_t testing_alloc_fail_at; // 0: never
static mp_int_t testing_alloc_live;

bool mpssl_testing_alloc_allowed(void) {
    ++testing_alloc_count;
    return testing_alloc_fail_at == 0 || testing_alloc_count != testing_alloc_fail_at;
}

void mpssl_testing_alloc_track(int delta) {
    testing_alloc_live += delta;
}

static size_t testing_alloc_forgiven;

void mpssl_testing_alloc_forgiven(void) {
    ++testing_alloc_forgiven;
}

static mp_obj_t testing_forgiven_allocations(void) {
    return mp_obj_new_int_from_uint(testing_alloc_forgiven);
}
static MP_DEFINE_CONST_FUN_OBJ_0(testing_forgiven_allocations_obj, testing_forgiven_allocations);

static mp_obj_t testing_live_allocations(void) {
    return mp_obj_new_int(testing_alloc_live);
}
static MP_DEFINE_CONST_FUN_OBJ_0(testing_live_allocations_obj, testing_live_allocations);

static mp_obj_t testing_fail_allocation_after(mp_obj_t n_in) {
    mp_int_t n = mp_obj_get_int(n_in);
    testing_alloc_fail_at = n > 0 ? testing_alloc_count + n : 0;
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(testing_fail_allocation_after_obj, testing_fail_allocation_after);

static mp_obj_t testing_allocations(void) {
    return mp_obj_new_int_from_uint(testing_alloc_count);
}
static MP_DEFINE_CONST_FUN_OBJ_0(testing_allocations_obj, testing_allocations);

// ---- In-memory pipe ----------------------------------------------------------

// One end of a pipe: reads what the other end wrote. Empty and open reads
// "would block", like a non-blocking socket; once the other end is closed,
// reads return EOF.
typedef struct _testing_pipe_end_t {
    mp_obj_base_t base;
    struct _testing_pipe_end_t *peer;
    vstr_t inbox;
    size_t consumed;
    bool closed;
} testing_pipe_end_t;

static const mp_obj_type_t testing_pipe_end_type;

static mp_uint_t testing_pipe_read(mp_obj_t self_in, void *buf, mp_uint_t size, int *errcode) {
    testing_pipe_end_t *self = MP_OBJ_TO_PTR(self_in);
    size_t available = self->inbox.len - self->consumed;
    if (self->closed) {
        *errcode = MP_EBADF;
        return MP_STREAM_ERROR;
    }
    if (available == 0) {
        if (self->peer->closed) {
            return 0;
        }
        *errcode = MP_EAGAIN;
        return MP_STREAM_ERROR;
    }
    size_t n = MIN(size, available);
    memcpy(buf, self->inbox.buf + self->consumed, n);
    self->consumed += n;
    if (self->consumed == self->inbox.len) {
        vstr_reset(&self->inbox);
        self->consumed = 0;
    }
    return n;
}

static mp_uint_t testing_pipe_write(mp_obj_t self_in, const void *buf, mp_uint_t size, int *errcode) {
    testing_pipe_end_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->closed || self->peer->closed) {
        *errcode = MP_EPIPE;
        return MP_STREAM_ERROR;
    }
    vstr_add_strn(&self->peer->inbox, buf, size);
    return size;
}

static mp_uint_t testing_pipe_ioctl(mp_obj_t self_in, mp_uint_t request, uintptr_t arg, int *errcode) {
    testing_pipe_end_t *self = MP_OBJ_TO_PTR(self_in);
    if (request == MP_STREAM_CLOSE) {
        self->closed = true;
        return 0;
    }
    if (request == MP_STREAM_POLL) {
        mp_uint_t ready = arg & MP_STREAM_POLL_WR;
        if (self->inbox.len > self->consumed || self->peer->closed) {
            ready |= arg & MP_STREAM_POLL_RD;
        }
        return ready;
    }
    *errcode = MP_EINVAL;
    return MP_STREAM_ERROR;
}

static testing_pipe_end_t *testing_pipe_end_new(void) {
    testing_pipe_end_t *end = mp_obj_malloc(testing_pipe_end_t, &testing_pipe_end_type);
    vstr_init(&end->inbox, 64);
    end->consumed = 0;
    end->closed = false;
    return end;
}

static mp_obj_t testing_pipe(void) {
    testing_pipe_end_t *a = testing_pipe_end_new();
    testing_pipe_end_t *b = testing_pipe_end_new();
    a->peer = b;
    b->peer = a;
    mp_obj_t ends[2] = { MP_OBJ_FROM_PTR(a), MP_OBJ_FROM_PTR(b) };
    return mp_obj_new_tuple(2, ends);
}
static MP_DEFINE_CONST_FUN_OBJ_0(testing_pipe_obj, testing_pipe);

static const mp_rom_map_elem_t testing_pipe_end_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR_read), MP_ROM_PTR(&mp_stream_read_obj) },
    { MP_ROM_QSTR(MP_QSTR_write), MP_ROM_PTR(&mp_stream_write_obj) },
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&mp_stream_close_obj) },
};
static MP_DEFINE_CONST_DICT(testing_pipe_end_locals_dict, testing_pipe_end_locals_dict_table);

static const mp_stream_p_t testing_pipe_stream_p = {
    .read = testing_pipe_read,
    .write = testing_pipe_write,
    .ioctl = testing_pipe_ioctl,
};

static MP_DEFINE_CONST_OBJ_TYPE(
    testing_pipe_end_type,
    MP_QSTR_PipeEnd,
    MP_TYPE_FLAG_NONE,
    protocol, &testing_pipe_stream_p,
    locals_dict, &testing_pipe_end_locals_dict
    );

#if defined(__linux__)
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static mp_obj_t testing_tcp_nodelay(mp_obj_t sock) {
    int err;
    mp_uint_t fd = mp_get_stream_raise(sock, MP_STREAM_OP_IOCTL)->ioctl(sock, MP_STREAM_GET_FILENO, 0, &err);
    int value = 0;
    socklen_t len = sizeof(value);
    if (fd == MP_STREAM_ERROR || getsockopt((int)fd, IPPROTO_TCP, TCP_NODELAY, &value, &len) != 0) {
        mp_raise_OSError(MP_EINVAL);
    }
    return mp_obj_new_bool(value != 0);
}
static MP_DEFINE_CONST_FUN_OBJ_1(testing_tcp_nodelay_obj, testing_tcp_nodelay);
#endif

// ---- Records a hostile peer sends ------------------------------------------

static mbedtls_ssl_context *testing_ssl_of(mp_obj_t sock) {
    if (!mp_obj_is_type(sock, &mpssl_socket_type)) {
        mp_raise_TypeError(MP_ERROR_TEXT("expected an SSLSocket"));
    }
    return &((mp_obj_ssl_socket_t *)MP_OBJ_TO_PTR(sock))->ssl;
}

static mp_obj_t testing_send_handshake(mp_obj_t sock, mp_obj_t msg_in) {
    mbedtls_ssl_context *ssl = testing_ssl_of(sock);
    mp_buffer_info_t msg;
    mp_get_buffer_raise(msg_in, &msg, MP_BUFFER_READ);
    // Small messages only: out_msg always has room for them, whatever the
    // output buffer's negotiated size.
    if (ssl->out_msg == NULL || ssl->out_left != 0 || msg.len > 512) {
        mp_raise_ValueError(MP_ERROR_TEXT("no room for the message"));
    }
    ssl->out_msgtype = MBEDTLS_SSL_MSG_HANDSHAKE;
    memcpy(ssl->out_msg, msg.buf, msg.len);
    ssl->out_msglen = msg.len;
    int ret = mbedtls_ssl_write_record(ssl, 1); // 1: flush now
    if (ret != 0) {
        mp_raise_OSError(ret);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(testing_send_handshake_obj, testing_send_handshake);

static mp_obj_t testing_last_alert(mp_obj_t sock) {
    mbedtls_ssl_context *ssl = testing_ssl_of(sock);
    if (ssl->in_msg == NULL || ssl->in_msgtype != MBEDTLS_SSL_MSG_ALERT || ssl->in_msglen < 2) {
        return mp_const_none;
    }
    return MP_OBJ_NEW_SMALL_INT(ssl->in_msg[1]);
}
static MP_DEFINE_CONST_FUN_OBJ_1(testing_last_alert_obj, testing_last_alert);

static const mp_rom_map_elem_t mp_module_mpssl_testing_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR__mpssl_testing) },
    { MP_ROM_QSTR(MP_QSTR_pipe), MP_ROM_PTR(&testing_pipe_obj) },
    { MP_ROM_QSTR(MP_QSTR_fail_allocation_after), MP_ROM_PTR(&testing_fail_allocation_after_obj) },
    { MP_ROM_QSTR(MP_QSTR_allocations), MP_ROM_PTR(&testing_allocations_obj) },
    { MP_ROM_QSTR(MP_QSTR_live_allocations), MP_ROM_PTR(&testing_live_allocations_obj) },
    { MP_ROM_QSTR(MP_QSTR_forgiven_allocations), MP_ROM_PTR(&testing_forgiven_allocations_obj) },
    #if defined(__linux__)
    { MP_ROM_QSTR(MP_QSTR_tcp_nodelay), MP_ROM_PTR(&testing_tcp_nodelay_obj) },
    #endif
    { MP_ROM_QSTR(MP_QSTR_send_handshake), MP_ROM_PTR(&testing_send_handshake_obj) },
    { MP_ROM_QSTR(MP_QSTR_last_alert), MP_ROM_PTR(&testing_last_alert_obj) },
};
static MP_DEFINE_CONST_DICT(mp_module_mpssl_testing_globals, mp_module_mpssl_testing_globals_table);

const mp_obj_module_t mp_module_mpssl_testing = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&mp_module_mpssl_testing_globals,
};
MP_REGISTER_MODULE(MP_QSTR__mpssl_testing, mp_module_mpssl_testing);

#endif // MPSSL_TESTING
