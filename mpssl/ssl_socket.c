// SSLSocket: one TLS or DTLS connection over a MicroPython stream. It owns
// an mbedtls_ssl_context and drives the handshake from wrap_socket() or,
// when that is deferred, from reads and writes.
//
// RAM per connection (default build): Mbed TLS's record buffers, 16 KiB in
// plus 4 KiB out with about 330 bytes of headers each (MPSSL_IN_CONTENT_LEN,
// MPSSL_OUT_CONTENT_LEN), the handshake state, the flight buffer (2 KiB or
// more for long certificate chains, while a flight is on its way) and the
// key exchange's temporaries while the handshake runs. Once it is over the handshake state goes, the
// buffers shrink to the agreed record size plus what the suite adds to a
// record, and of the peer's certificate chain only the leaf's DER stays:
// with max_fragment_length 4096 granted (TLS 1.2 or 1.3) an established
// client connection keeps about 12 KB, without about 24 KB. All of it
// comes from the GC heap.
#include <string.h>

#include "py/runtime.h"
#include "py/stream.h"
#include "py/mperrno.h"
#include "py/objexcept.h"

#include "mbedtls/net_sockets.h"
#include "mbedtls/platform.h"

#include "mpssl.h"

static bool ssl_socket_is_want(int ret) {
    return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE;
}

// Every state change goes through here: the allocator caches small blocks
// only while some handshake is running (ssl_alloc.c).
static void ssl_socket_set_state(mp_obj_ssl_socket_t *self, ssl_socket_state_t state) {
    if (self->state == SSL_SOCKET_HANDSHAKING) {
        mpssl_alloc_handshake_ended();
    }
    self->state = state;
}

// Frees every Mbed TLS structure at once; the object stays safe to call.
static void ssl_socket_release(mp_obj_ssl_socket_t *self) {
    if (self->state == SSL_SOCKET_CLOSED) {
        return;
    }
    mbedtls_ssl_free(&self->ssl);
    mpssl_io_release(self);
    mpssl_compat_socket_release(self);
    ssl_socket_set_state(self, SSL_SOCKET_CLOSED);
    mpssl_context_connection_released(self->context);
}

// ---- Python code inside Mbed TLS ---------------------------------------------
//
// verify_callback and a wrapped stream written in Python run while Mbed TLS
// holds pointers into the connection (its record buffers, the handshake
// state, the flight). Every call that can reach them runs through
// ssl_socket_run(), which marks the connection (and its context) busy:
// close() and __del__ from such a callback are deferred until the call
// returns, any other use of the connection is refused with RuntimeError,
// and the context refuses changes. An exception a callback raises cannot
// unwind through Mbed TLS: it is kept (mpssl_socket_callback_raised) and
// raised once Mbed TLS has returned.

void mpssl_socket_check_idle(mp_obj_ssl_socket_t *self) {
    if (self->busy) {
        mp_raise_msg(&mp_type_RuntimeError,
            MP_ERROR_TEXT("SSLSocket is busy: a callback (verify_callback or the wrapped stream) used it while it was inside Mbed TLS; only close() may be called there"));
    }
}

// The first exception is kept, unless a later one is not an Exception and
// the kept one is: a stream that raised ValueError and then, on Mbed TLS's
// next call, KeyboardInterrupt must not lose the interrupt.
void mpssl_socket_callback_raised(mp_obj_ssl_socket_t *self, mp_obj_t exc, bool verify) {
    if (self->callback_exc == MP_OBJ_NULL
        || (mpssl_is_exception(self->callback_exc) && !mpssl_is_exception(exc))) {
        self->callback_exc = exc;
        self->callback_exc_verify = verify;
    }
}

static void ssl_socket_close(mp_obj_ssl_socket_t *self);
static int ssl_socket_fail(mp_obj_ssl_socket_t *self, int ret);

// Counts the connection in (+1) or out (-1) of the busy count of each
// context Mbed TLS uses for it: its own, and the one sni_callback switched
// it to, whose certificate and key are signed with (ssl_compat.c keeps the
// count right when the switch happens inside Mbed TLS).
static void ssl_socket_count_busy(mp_obj_ssl_socket_t *self, int delta) {
    self->context->busy += delta;
    if (self->sni_context != mp_const_none) {
        ((mp_obj_ssl_context_t *)MP_OBJ_TO_PTR(self->sni_context))->busy += delta;
    }
}

static void ssl_socket_enter(mp_obj_ssl_socket_t *self) {
    mpssl_socket_check_idle(self);
    self->busy = true;
    ssl_socket_count_busy(self, 1);
}

// Leaves Mbed TLS, and does what close() or __del__ asked for meanwhile.
static void ssl_socket_leave(mp_obj_ssl_socket_t *self) {
    self->busy = false;
    ssl_socket_count_busy(self, -1);
    uint8_t deferred = self->deferred;
    self->deferred = SSL_SOCKET_DEFER_NOTHING;
    if (deferred == SSL_SOCKET_DEFER_CLOSE) {
        ssl_socket_close(self);
    } else if (deferred == SSL_SOCKET_DEFER_RELEASE) {
        ssl_socket_release(self);
    }
}

typedef struct _ssl_socket_call_t {
    void *buf;
    mp_uint_t size;
    int *errcode;
} ssl_socket_call_t;

typedef mp_uint_t (*ssl_socket_op_t)(mp_obj_ssl_socket_t *self, ssl_socket_call_t *call);

// Runs op with the connection busy. What a callback raised inside it fails
// the connection and is raised now, with Mbed TLS out of the way, through
// the error funnel. One held from an earlier call is not raised again here:
// reads and writes raise it as the sticky error (ssl_socket_stream_call),
// and a poll reports the failed connection as NVAL, so that an event loop
// polling it goes on to the read that raises. This is where the stream callbacks (read, write, poll)
// raise rather than report an errcode: an exception a user's callback
// raised (KeyboardInterrupt, say) must reach the caller unchanged, and an
// errcode cannot carry it.
static mp_uint_t ssl_socket_run(mp_obj_ssl_socket_t *self, ssl_socket_op_t op, ssl_socket_call_t *call) {
    ssl_socket_enter(self);
    nlr_buf_t nlr;
    if (nlr_push(&nlr) != 0) {
        ssl_socket_leave(self);
        nlr_jump(nlr.ret_val);
    }
    mp_obj_t held = self->callback_exc;
    mp_uint_t ret = op(self, call);
    mpssl_sign_take_exception(self);
    if (self->callback_exc != held) {
        if (self->state != SSL_SOCKET_FAILED && self->state != SSL_SOCKET_CLOSED) {
            // Mbed TLS carried on (a poll that raised reads as "not ready").
            self->sock_errno = MP_EIO;
            ssl_socket_fail(self, MBEDTLS_ERR_NET_RECV_FAILED);
        }
        mpssl_raise_socket_error(self);
    }
    nlr_pop();
    ssl_socket_leave(self);
    return ret;
}

// Tells the peer why we end the connection where Mbed TLS would not:
// - a TLS 1.2 / DTLS handshake that lacks a required client certificate
//   ends without a word, and the client waits in vain;
// - an alert Mbed TLS chose but only sends from a handshake step (pended)
//   is dropped when it was chosen after the handshake, while reading a
//   malformed post-handshake message (KeyUpdate, NewSessionTicket): RFC
//   8446 wants the peer told (decode_error, illegal_parameter, ...);
// - a TLS 1.2 handshake message after the handshake that is neither a
//   HelloRequest nor a ClientHello ends it silently (RFC 5246 7.2.2:
//   unexpected_message).
static void ssl_socket_alert_peer(mp_obj_ssl_socket_t *self, int ret) {
    mbedtls_ssl_context *ssl = &self->ssl;
    if (ssl->MBEDTLS_PRIVATE(send_alert)) {
        ssl->MBEDTLS_PRIVATE(send_alert) = 0;
        mbedtls_ssl_send_alert_message(ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL, ssl->MBEDTLS_PRIVATE(alert_type));
    } else if (ret == MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE && mbedtls_ssl_is_handshake_over(ssl)) {
        mbedtls_ssl_send_alert_message(ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL, MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE);
    } else if (ret == MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE
               && mbedtls_ssl_get_version_number(ssl) != MBEDTLS_SSL_VERSION_TLS1_3) {
        mbedtls_ssl_send_alert_message(ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
            MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE);
    }
}

// Enters the sticky FAILED state. Verification flags are kept for the message.
static int ssl_socket_fail(mp_obj_ssl_socket_t *self, int ret) {
    if (mpssl_alloc_watch_failed()) {
        ret = MBEDTLS_ERR_SSL_ALLOC_FAILED;
    } else if (ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA) {
        // What Mbed TLS reports for a record longer than its buffer: the
        // peer's fault, and it is told so.
        ret = MBEDTLS_ERR_SSL_INVALID_RECORD;
        mbedtls_ssl_send_alert_message(&self->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL, MBEDTLS_SSL_ALERT_MSG_RECORD_OVERFLOW);
    }
    ret = mpssl_psk_failure(self, ret);
    ssl_socket_alert_peer(self, ret);
    // Mbed TLS's alert may sit in the held-back flight: send it (best
    // effort, keeping the errno of what failed us, not of this write).
    int sock_errno = self->sock_errno;
    mpssl_io_flush(self);
    self->sock_errno = sock_errno;
    uint32_t result = mbedtls_ssl_get_verify_result(&self->ssl);
    if (result != (uint32_t)-1) {
        self->verify_flags |= result;
    }
    self->error = ret;
    ssl_socket_set_state(self, SSL_SOCKET_FAILED);
    mpssl_io_release(self);
    return ret;
}

// Called by Mbed TLS for every certificate of the peer's chain, the leaf
// last (depth 0). Collects the reasons for the error message, runs the
// user's verify_callback, and makes CERT_OPTIONAL on a server reject a
// certificate that was sent but does not verify.
static int ssl_socket_verify(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags) {
    mp_obj_ssl_socket_t *self = ctx;
    mp_obj_ssl_context_t *context = self->context;
    if (depth == 0 && context->check_hostname == 0) {
        // check_hostname = False: the chain is verified, not the name.
        *flags &= ~MBEDTLS_X509_BADCERT_CN_MISMATCH;
    }
    self->verify_flags |= *flags;
    // A CA lookup that raised (reading a CA file) is the failure to report.
    mp_obj_t lookup_exc = mpssl_anchors_take_exception(context);
    if (lookup_exc != MP_OBJ_NULL) {
        mpssl_socket_callback_raised(self, lookup_exc, false);
    }
    if (context->verify_callback != mp_const_none) {
        nlr_buf_t nlr;
        if (nlr_push(&nlr) != 0) {
            // Raised once Mbed TLS has returned (ssl_socket_run).
            mpssl_socket_callback_raised(self, MP_OBJ_FROM_PTR(nlr.ret_val), true);
            self->verify_flags |= MBEDTLS_X509_BADCERT_OTHER;
            return MBEDTLS_ERR_X509_FATAL_ERROR;
        }
        // Bytes of its own: the callback may keep its argument, and Mbed
        // TLS frees the certificate it was read from.
        mp_obj_t der = mp_obj_new_bytes(crt->raw.p, crt->raw.len);
        mp_obj_t result = mp_call_function_2(context->verify_callback, der, MP_OBJ_NEW_SMALL_INT(depth));
        mp_int_t verdict = mp_obj_get_int(result);
        nlr_pop();
        if (verdict != 0) {
            self->verify_flags |= MBEDTLS_X509_BADCERT_OTHER;
            return MBEDTLS_ERR_X509_FATAL_ERROR;
        }
    }
    bool server = context->protocol & MPSSL_PROTOCOL_SERVER;
    if (depth == 0 && server && context->verify_mode == MPSSL_CERT_OPTIONAL && self->verify_flags != 0) {
        return MBEDTLS_ERR_X509_FATAL_ERROR;
    }
    return 0;
}

// Mbed TLS keeps the peer's certificate chain parsed for the life of the
// connection (MBEDTLS_SSL_KEEP_PEER_CERTIFICATE), about 2 KB a certificate,
// where getpeercert() needs the leaf's DER only: keep that (on the GC heap,
// where an SSLSession can share it, see ssl_session.c) and free the chain.
// Raises MemoryError with the chain left in place. A resumed handshake
// brings no certificate: the offered session's stands.
static void ssl_socket_take_peer_cert(mp_obj_ssl_socket_t *self) {
    mbedtls_ssl_session *session = self->ssl.MBEDTLS_PRIVATE(session);
    mbedtls_x509_crt *chain = session == NULL ? NULL : session->MBEDTLS_PRIVATE(peer_cert);
    if (chain == NULL) {
        return;
    }
    self->peer_cert = mp_obj_new_bytes(chain->raw.p, chain->raw.len);
    mbedtls_x509_crt_free(chain);
    mbedtls_free(chain);
    session->MBEDTLS_PRIVATE(peer_cert) = NULL;
}

// Frees what the connection keeps but no longer needs once the handshake
// is over.
static void ssl_socket_handshake_done(mp_obj_ssl_socket_t *self) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        ssl_socket_take_peer_cert(self);
        nlr_pop();
    }
    // Else the chain stays without memory for the copy: getpeercert() tries again.
    if (!(self->context->protocol & MPSSL_PROTOCOL_SERVER)) {
        // The server's name served SNI and the certificate check; a session
        // (for its tickets) keeps a copy of its own. NULL frees it.
        mbedtls_ssl_set_hostname(&self->ssl, NULL);
    }
}

// mbedtls_ssl_handshake(), one step at a time, for two things it does not
// tell: whether the handshake resumed a session (ssl_session.c watches the
// states go by), and whether an allocation failed that matters. Mbed TLS
// carries on past some failed allocations, so the handshake stops at the
// next step (the caller sees 0 or a WANT code with the watch set). The step
// that ends the handshake frees its state and shrinks the record buffers to
// the record size agreed with the peer; when the heap has no room for the
// smaller copies, Mbed TLS keeps the larger ones, which is no failure, so
// the allocation watch forgives that step.
static int ssl_socket_handshake_steps(mp_obj_ssl_socket_t *self) {
    while (!mpssl_handshake_over(&self->ssl)) {
        if (mpssl_alloc_watch_failed()) {
            return 0;
        }
        mpssl_session_handshake_step(self, self->ssl.MBEDTLS_PRIVATE(state));
        int ret = mbedtls_ssl_handshake_step(&self->ssl);
        if (ret != 0) {
            return ret;
        }
    }
    mpssl_alloc_watch_forgive();
    ssl_socket_handshake_done(self);
    mpssl_session_handshake_over(self);
    return 0;
}

// Advances the handshake as far as the stream allows: 0 once the
// connection is open, a WANT code when the stream would block, otherwise
// the fatal error (and the socket is FAILED).
static int ssl_socket_advance(mp_obj_ssl_socket_t *self) {
    if (self->state == SSL_SOCKET_OPEN) {
        return 0;
    }
    if (self->state == SSL_SOCKET_FAILED) {
        return self->error;
    }
    self->handshake_driven = true;
    int ret = ssl_socket_handshake_steps(self);
    if ((ret == 0 || ssl_socket_is_want(ret)) && mpssl_alloc_watch_failed()) {
        // Mbed TLS carried on past a failed allocation: what it sends next
        // cannot be trusted, so the handshake ends here, as out of memory.
        mbedtls_ssl_send_alert_message(&self->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL, MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR);
        ret = MBEDTLS_ERR_SSL_ALLOC_FAILED;
    }
    if (ret == 0) {
        // The last flight stays held back for the first write (ssl_io.c).
        ssl_socket_set_state(self, SSL_SOCKET_OPEN);
        return 0;
    }
    if (ssl_socket_is_want(ret)) {
        return ret;
    }
    return ssl_socket_fail(self, ret);
}

// Forgets what the previous call waited for; a failed socket keeps the
// errno that failed it.
static void ssl_socket_begin_io(mp_obj_ssl_socket_t *self) {
    mpssl_alloc_watch_start();
    self->poll_mask = 0;
    if (self->state != SSL_SOCKET_FAILED) {
        self->sock_errno = 0;
    }
}

// True when the last "would block" was really the wrapped socket's timeout.
static bool ssl_socket_timed_out(mp_obj_ssl_socket_t *self, int ret) {
    return ssl_socket_is_want(ret) && self->sock_errno == MP_ETIMEDOUT;
}

// The whole handshake, waiting on the stream whatever its blocking mode,
// but no longer than the wrapped socket's timeout, nor past a close() from
// a callback or an exception it raised.
static mp_uint_t ssl_socket_handshake_op(mp_obj_ssl_socket_t *self, ssl_socket_call_t *call) {
    (void)call;
    int ret;
    ssl_socket_begin_io(self);
    while (ssl_socket_is_want(ret = ssl_socket_advance(self)) && !ssl_socket_timed_out(self, ret)
           && self->deferred == SSL_SOCKET_DEFER_NOTHING && self->callback_exc == MP_OBJ_NULL) {
        mpssl_io_wait(self, ret);
    }
    return (mp_uint_t)(mp_int_t)ret;
}

NORETURN static void ssl_socket_raise_timed_out(void) {
    mpssl_raise_oserror_msg(MP_ETIMEDOUT, "timed out: the wrapped socket's timeout (settimeout) passed first");
}

static void ssl_socket_handshake(mp_obj_ssl_socket_t *self) {
    int ret = (int)(mp_int_t)ssl_socket_run(self, ssl_socket_handshake_op, NULL);
    if (self->state == SSL_SOCKET_CLOSED) {
        mpssl_raise_closed();
    }
    if (ssl_socket_timed_out(self, ret)) {
        ssl_socket_raise_timed_out();
    }
    if (ret != 0) {
        mpssl_raise_socket_error(self);
    }
}

// The errcode a stream callback reports for a failed socket: the wrapped
// stream's errno, or the negative Mbed TLS code (given its message by
// ssl_socket_stream_call).
static int ssl_socket_errcode(mp_obj_ssl_socket_t *self) {
    if (self->error == MBEDTLS_ERR_NET_RECV_FAILED || self->error == MBEDTLS_ERR_NET_SEND_FAILED) {
        return self->sock_errno;
    }
    return self->error;
}

// Common tail of read and write: a WANT code means "try again"; anything
// else fails the socket for good. A read that must first write (or a write
// that must first read) tells poll to watch that other direction.
static mp_uint_t ssl_socket_stream_error(mp_obj_ssl_socket_t *self, int ret, int own_want, int *errcode) {
    if (ssl_socket_is_want(ret)) {
        if (ret != own_want) {
            self->poll_mask = ret == MBEDTLS_ERR_SSL_WANT_READ ? MP_STREAM_POLL_RD : MP_STREAM_POLL_WR;
        }
        *errcode = ssl_socket_timed_out(self, ret) ? MP_ETIMEDOUT : MP_EAGAIN;
        return MP_STREAM_ERROR;
    }
    if (self->state != SSL_SOCKET_FAILED) {
        ssl_socket_fail(self, ret);
    }
    *errcode = ssl_socket_errcode(self);
    return MP_STREAM_ERROR;
}

// Opens the way for a read or write: true when open, else false with the
// errcode the stream callback must report (EBADF once closed).
static bool ssl_socket_ready(mp_obj_ssl_socket_t *self, int own_want, int *errcode) {
    ssl_socket_begin_io(self);
    if (self->state == SSL_SOCKET_CLOSED) {
        *errcode = MP_EBADF;
        return false;
    }
    int ret = ssl_socket_advance(self);
    if (ret != 0) {
        ssl_socket_stream_error(self, ret, own_want, errcode);
        return false;
    }
    return true;
}

static mp_uint_t ssl_socket_read_op(mp_obj_ssl_socket_t *self, ssl_socket_call_t *call) {
    void *buf = call->buf;
    mp_uint_t size = call->size;
    int *errcode = call->errcode;
    if (!ssl_socket_ready(self, MBEDTLS_ERR_SSL_WANT_READ, errcode)) {
        return MP_STREAM_ERROR;
    }
    if (self->peer_closed) {
        return 0;
    }
    int ret;
    for (;;) {
        ret = mbedtls_ssl_read(&self->ssl, buf, size);
        if (ret >= 0) {
            // Mbed TLS survived any allocation that failed on the way (a
            // record buffer kept at its size, a TLS 1.3 ticket passed over).
            mpssl_alloc_watch_forgive();
            return ret;
        }
        if (mpssl_session_read_again(self, ret)) {
            // A TLS 1.3 ticket arrived ahead of the data: keep reading.
            continue;
        }
        break;
    }
    // close_notify, or a TCP close after the handshake, ends the stream
    // (CPython's suppress_ragged_eofs default: HTTP/1.0 servers just close).
    if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF) {
        self->peer_closed = true;
        return 0;
    }
    return ssl_socket_stream_error(self, ret, MBEDTLS_ERR_SSL_WANT_READ, errcode);
}

// A record of a write that would have blocked stays in Mbed TLS's output
// buffer, and the caller retries the write with the same bytes. A read, or a
// TLS 1.3 ticket finishing inside the retry, may send it first: Mbed TLS then
// forgets it, and the retry would seal those bytes again. The bytes such a
// record carried once it has left, else 0.
static size_t ssl_socket_owed_sent(mp_obj_ssl_socket_t *self) {
    size_t owed = self->write_owed;
    if (owed == 0 || self->ssl.MBEDTLS_PRIVATE(out_left) != 0) {
        return 0;
    }
    self->write_owed = 0;
    return owed;
}

// Remembers what a write that would block left sealed in Mbed TLS's output
// buffer: the bytes of its last record.
static void ssl_socket_note_owed(mp_obj_ssl_socket_t *self, int ret, size_t left) {
    if (ret == MBEDTLS_ERR_SSL_WANT_WRITE && self->ssl.MBEDTLS_PRIVATE(out_left) != 0 && self->write_owed == 0) {
        int payload = mbedtls_ssl_get_max_out_record_payload(&self->ssl);
        self->write_owed = payload > 0 ? MIN(left, (size_t)payload) : left;
    }
}

// Encrypts as many records of the write as leave together in one send
// (ssl_io.c), and sends them.
static mp_uint_t ssl_socket_write_op(mp_obj_ssl_socket_t *self, ssl_socket_call_t *call) {
    int *errcode = call->errcode;
    if (!ssl_socket_ready(self, MBEDTLS_ERR_SSL_WANT_WRITE, errcode)) {
        return MP_STREAM_ERROR;
    }
    int ret = mpssl_io_gather_begin(self, call->size);
    if (ret != 0) {
        return ssl_socket_stream_error(self, ret, MBEDTLS_ERR_SSL_WANT_WRITE, errcode);
    }
    const byte *buf = call->buf;
    size_t done = MIN(ssl_socket_owed_sent(self), call->size);
    ret = 0;
    while (done < call->size) {
        ret = mbedtls_ssl_write(&self->ssl, buf + done, call->size - done);
        // A TLS 1.3 ticket a read left half-processed (the stream would
        // have blocked) is finished by this write, which then says so:
        // noted, and the write goes on, less what has left meanwhile.
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET && mpssl_session_read_again(self, ret)) {
            done += MIN(ssl_socket_owed_sent(self), call->size - done);
            continue;
        }
        if (ret < 0) {
            ssl_socket_note_owed(self, ret, call->size - done);
            break;
        }
        self->write_owed = 0;
        done += ret;
        if (done < call->size && !mpssl_io_gather_more(self, call->size - done)) {
            break;
        }
    }
    int sent = mpssl_io_gather_end(self);
    if (sent != 0 && !ssl_socket_is_want(sent)) {
        return ssl_socket_stream_error(self, sent, MBEDTLS_ERR_SSL_WANT_WRITE, errcode);
    }
    if (done > 0 || ret >= 0) {
        // An output buffer that could not grow for a large write sends
        // smaller records, and a write with no memory to gather its
        // records sends them one by one: no failure (patches/mbedtls/0017).
        mpssl_alloc_watch_forgive();
        return done;
    }
    return ssl_socket_stream_error(self, ret, MBEDTLS_ERR_SSL_WANT_WRITE, errcode);
}

static mp_uint_t ssl_socket_stream_read(mp_obj_t self_in, void *buf, mp_uint_t size, int *errcode) {
    ssl_socket_call_t call = { buf, size, errcode };
    return ssl_socket_run(MP_OBJ_TO_PTR(self_in), ssl_socket_read_op, &call);
}

static mp_uint_t ssl_socket_stream_write(mp_obj_t self_in, const void *buf, mp_uint_t size, int *errcode) {
    ssl_socket_call_t call = { (void *)buf, size, errcode };
    return ssl_socket_run(MP_OBJ_TO_PTR(self_in), ssl_socket_write_op, &call);
}

static mp_uint_t ssl_socket_close_notify_op(mp_obj_ssl_socket_t *self, ssl_socket_call_t *call) {
    (void)call;
    mbedtls_ssl_close_notify(&self->ssl);
    // A close() or __del__ from the stream's write() meanwhile asked for
    // what ssl_socket_close() does next; run on leaving, it would send
    // close_notify again, into the same callback, until the stack ran out.
    self->deferred = SSL_SOCKET_DEFER_NOTHING;
    return 0;
}

// Sends close_notify (best effort: the peer may be gone), frees the TLS
// state and closes the wrapped stream. From a callback inside Mbed TLS,
// all of this waits until Mbed TLS has returned. What a callback raises
// during close_notify is raised after the close.
static void ssl_socket_close(mp_obj_ssl_socket_t *self) {
    if (self->busy) {
        self->deferred = SSL_SOCKET_DEFER_CLOSE;
        return;
    }
    if (self->state == SSL_SOCKET_CLOSED) {
        return;
    }
    nlr_buf_t nlr;
    bool raised = nlr_push(&nlr) != 0;
    if (!raised) {
        if (self->state == SSL_SOCKET_OPEN) {
            ssl_socket_run(self, ssl_socket_close_notify_op, NULL);
        }
        nlr_pop();
    }
    ssl_socket_release(self);
    int err;
    mp_get_stream(self->sock)->ioctl(self->sock, MP_STREAM_CLOSE, 0, &err);
    if (raised) {
        nlr_jump(nlr.ret_val);
    }
}

// The events of the wrapped socket that can make the caller's events ready:
// the direction the handshake waits for, if it waits for the other one.
static uintptr_t ssl_socket_sock_events(mp_obj_ssl_socket_t *self, uintptr_t flags) {
    const uintptr_t rdwr = MP_STREAM_POLL_RD | MP_STREAM_POLL_WR;
    if (self->poll_mask != 0 && (flags & rdwr)) {
        return (flags & ~rdwr) | self->poll_mask;
    }
    return flags;
}

// Readiness as the TLS layer sees it: decrypted or buffered records count
// as readable, and while the handshake waits for the other direction the
// caller is woken when that direction is ready, so that its next read or
// write can advance the handshake.
static mp_uint_t ssl_socket_poll_op(mp_obj_ssl_socket_t *self, ssl_socket_call_t *call) {
    uintptr_t flags = call->size;
    int *errcode = call->errcode;
    const uintptr_t rdwr = MP_STREAM_POLL_RD | MP_STREAM_POLL_WR;
    if (self->state == SSL_SOCKET_CLOSED || self->state == SSL_SOCKET_FAILED) {
        // As upstream: NVAL wakes readers and writers alike (asyncio too),
        // and their next call raises the sticky error.
        return MP_STREAM_POLL_NVAL;
    }
    if (mpssl_io_timer_expired(self)) {
        // The next call retransmits.
        return flags & rdwr;
    }
    if (mpssl_io_flight_pending(self) && mpssl_io_flush(self) == MBEDTLS_ERR_SSL_WANT_WRITE) {
        self->poll_mask = MP_STREAM_POLL_WR;
    }
    mp_uint_t ready = 0;
    if ((flags & MP_STREAM_POLL_RD) && self->state == SSL_SOCKET_OPEN
        && (self->peer_closed || mbedtls_ssl_get_bytes_avail(&self->ssl) > 0
            || mbedtls_ssl_check_pending(&self->ssl))) {
        ready |= MP_STREAM_POLL_RD;
        if ((flags & rdwr) == MP_STREAM_POLL_RD) {
            // Buffered data answers a read-only poll; the socket has no say.
            return ready;
        }
    }
    mp_uint_t sock_ready = mp_get_stream(self->sock)->ioctl(self->sock, MP_STREAM_POLL, ssl_socket_sock_events(self, flags), errcode);
    if (sock_ready == MP_STREAM_ERROR) {
        return MP_STREAM_ERROR;
    }
    if ((self->poll_mask != 0 && (sock_ready & self->poll_mask))
        || (self->state == SSL_SOCKET_HANDSHAKING && !self->handshake_driven)) {
        // Either the handshake's own direction is ready, or nothing has
        // started it yet (asyncio polls before its first read): the
        // caller's next read or write moves it on.
        sock_ready = (sock_ready & ~rdwr) | (flags & rdwr);
    }
    // Only what was asked for, and the conditions always reported: a stream
    // written in Python may set any bit, and select counts an object ready
    // on bits it then drops (a hole in poll()'s result list, a crash).
    return (ready | sock_ready) & (flags | MP_STREAM_POLL_ERR | MP_STREAM_POLL_HUP | MP_STREAM_POLL_NVAL);
}

#if defined(MP_STREAM_GET_POLL_WAKE)
// What select.poll sleeps on once ssl_socket_poll_op() said "not ready"
// (MP_STREAM_GET_POLL_WAKE, patches/micropython/0003; a MicroPython without
// it asks the poll every millisecond instead): the wrapped socket's
// descriptor, in the direction our next read or write waits for. Only
// records arriving there, or room to send, change the answer; buffered
// records were counted by the poll itself. None for DTLS, whose
// retransmission timers no descriptor wakes for, nor for a stream without a
// descriptor: select then asks the poll again every millisecond.
static mp_uint_t ssl_socket_poll_wake(mp_obj_ssl_socket_t *self, struct mp_stream_poll_wake_t *wake, int *errcode) {
    int fd = self->state == SSL_SOCKET_CLOSED ? -1 : mpssl_io_fd(self);
    if (fd < 0) {
        *errcode = MP_EINVAL;
        return MP_STREAM_ERROR;
    }
    wake->fd = fd;
    wake->events = ssl_socket_sock_events(self, wake->events);
    return 0;
}
#endif

static mp_uint_t ssl_socket_ioctl(mp_obj_t self_in, mp_uint_t request, uintptr_t arg, int *errcode) {
    mp_obj_ssl_socket_t *self = MP_OBJ_TO_PTR(self_in);
    switch (request) {
        case MP_STREAM_CLOSE:
            ssl_socket_close(self);
            return 0;
        case MP_STREAM_POLL: {
            ssl_socket_call_t call = { NULL, arg, errcode };
            return ssl_socket_run(self, ssl_socket_poll_op, &call);
        }
        #if defined(MP_STREAM_GET_POLL_WAKE)
        case MP_STREAM_GET_POLL_WAKE:
            return ssl_socket_poll_wake(self, (struct mp_stream_poll_wake_t *)arg, errcode);
        #endif
        default:
            // Not MP_STREAM_GET_FILENO in particular: select must ask us,
            // not the raw descriptor, or buffered records would be missed.
            *errcode = MP_EINVAL;
            return MP_STREAM_ERROR;
    }
}

static const mp_stream_p_t ssl_socket_stream_p = {
    .read = ssl_socket_stream_read,
    .write = ssl_socket_stream_write,
    .ioctl = ssl_socket_ioctl,
};

mp_obj_t mpssl_socket_new(mp_obj_ssl_context_t *context, mp_obj_t sock, bool do_handshake, mp_obj_t server_hostname, mp_obj_t client_id, mp_obj_t session) {
    mp_get_stream_raise(sock, MP_STREAM_OP_READ | MP_STREAM_OP_WRITE | MP_STREAM_OP_IOCTL);
    bool server = context->protocol & MPSSL_PROTOCOL_SERVER;
    bool dtls = context->protocol & MPSSL_PROTOCOL_DTLS;
    // CERT_OPTIONAL verifies the chain like CERT_REQUIRED; only
    // CERT_REQUIRED also insists on a hostname to check.
    if (!server && server_hostname == mp_const_none && mpssl_compat_hostname_required(context)) {
        mp_raise_ValueError(context->check_hostname == 1
            ? MP_ERROR_TEXT("check_hostname requires server_hostname")
            : MP_ERROR_TEXT("CERT_REQUIRED requires server_hostname"));
    }
    if (server && server_hostname != mp_const_none) {
        mp_raise_ValueError(MP_ERROR_TEXT("server_hostname is for clients: this SSLContext is a server's; connect with a PROTOCOL_TLS_CLIENT context"));
    }
    if (server && dtls && client_id == mp_const_none) {
        mp_raise_ValueError(MP_ERROR_TEXT("a DTLS server needs client_id (the client's address) for HelloVerify"));
    }
    const char *hostname = server_hostname == mp_const_none ? NULL : mpssl_str_get_cstr(server_hostname, "server_hostname");
    if (hostname != NULL && strlen(hostname) > MBEDTLS_SSL_MAX_HOST_NAME_LEN) {
        // Mbed TLS would refuse it as "bad input parameters".
        mp_raise_ValueError(MP_ERROR_TEXT("server_hostname is longer than a DNS name can be (255 bytes)"));
    }
    mp_buffer_info_t transport_id = { .buf = NULL, .len = 0 };
    if (dtls && server) {
        mp_get_buffer_raise(client_id, &transport_id, MP_BUFFER_READ);
    }
    mpssl_session_check(context, session);

    mp_obj_ssl_socket_t *self = mp_obj_malloc_with_finaliser(mp_obj_ssl_socket_t, &mpssl_socket_type);
    self->context = context;
    ++context->connections;
    self->sock = sock;
    mbedtls_ssl_init(&self->ssl);
    mpssl_compat_socket_init(self);
    self->peer_cert = mp_const_none;
    mpssl_alloc_handshake_started();
    memset(&self->flight, 0, sizeof(self->flight));
    self->error = 0;
    self->sock_errno = 0;
    self->verify_flags = 0;
    self->timer_fin_ms = 0;
    self->state = SSL_SOCKET_HANDSHAKING;
    self->poll_mask = 0;
    self->peer_closed = false;
    self->handshake_driven = false;
    self->dtls_flight_sent = false;
    self->dtls_datagrams_in = 0;
    self->busy = false;
    self->deferred = SSL_SOCKET_DEFER_NOTHING;
    self->callback_exc = MP_OBJ_NULL;
    self->callback_exc_verify = false;
    self->psk_refused = false;
    mpssl_session_socket_init(self, server_hostname);

    mpssl_alloc_watch_start();
    int ret = mbedtls_ssl_setup(&self->ssl, &context->conf);
    if (ret == 0 && !server) {
        // NULL says, as Mbed TLS 3.6 wants said, that no name is checked:
        // only CERT_OPTIONAL verifies that way (see above).
        ret = mbedtls_ssl_set_hostname(&self->ssl, hostname);
    }
    if (ret == 0) {
        ret = mpssl_session_offer(self, session);
    }
    #if defined(MBEDTLS_SSL_DTLS_HELLO_VERIFY)
    if (ret == 0 && transport_id.buf != NULL) {
        ret = mbedtls_ssl_set_client_transport_id(&self->ssl, transport_id.buf, transport_id.len);
    }
    #endif
    if (ret == 0) {
        ret = mpssl_cid_socket_setup(self);
    }
    if (ret != 0) {
        ssl_socket_release(self);
        mpssl_raise(ret, 0);
    }
    mbedtls_ssl_set_verify(&self->ssl, ssl_socket_verify, self);
    mpssl_keylog_attach(self);
    mpssl_io_attach(self);

    if (do_handshake) {
        nlr_buf_t nlr;
        if (nlr_push(&nlr) == 0) {
            ssl_socket_handshake(self);
            nlr_pop();
        } else {
            // The caller never sees this object: free its TLS state now,
            // leaving the wrapped socket to its owner.
            ssl_socket_release(self);
            nlr_jump(nlr.ret_val);
        }
    }
    return MP_OBJ_FROM_PTR(self);
}

// ---- Python methods ------------------------------------------------------

// Whether exc is the bare OSError(code) MicroPython's stream layer makes of
// the errcode a stream callback reported.
static bool ssl_socket_is_bare_oserror(mp_obj_t exc, int code) {
    if (!mp_obj_is_exact_type(exc, &mp_type_OSError)) {
        return false;
    }
    mp_obj_exception_t *e = MP_OBJ_TO_PTR(exc);
    return e->args->len == 1 && e->args->items[0] == MP_OBJ_NEW_SMALL_INT(code);
}

// Runs one of MicroPython's generic stream methods. A TLS failure leaves
// the stream layer as a bare code; it is raised again here through the
// error funnel, with its message.
static mp_obj_t ssl_socket_stream_call(mp_obj_t method, size_t n_args, const mp_obj_t *args) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t result = mp_call_function_n_kw(method, n_args, 0, args);
        nlr_pop();
        return result;
    }
    mp_obj_ssl_socket_t *self = MP_OBJ_TO_PTR(args[0]);
    if (self->state == SSL_SOCKET_FAILED && ssl_socket_is_bare_oserror(nlr.ret_val, ssl_socket_errcode(self))) {
        mpssl_raise_socket_error(self);
    }
    if (self->state == SSL_SOCKET_CLOSED && ssl_socket_is_bare_oserror(nlr.ret_val, MP_EBADF)) {
        mpssl_raise_closed();
    }
    if (ssl_socket_is_bare_oserror(nlr.ret_val, MP_ETIMEDOUT)) {
        ssl_socket_raise_timed_out();
    }
    nlr_jump(nlr.ret_val);
}

#define SSL_SOCKET_STREAM_METHOD(name, generic, n_min, n_max) \
    static mp_obj_t ssl_socket_##name(size_t n_args, const mp_obj_t *args) { \
        return ssl_socket_stream_call(MP_OBJ_FROM_PTR(&generic), n_args, args); \
    } \
    static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(ssl_socket_##name##_obj, n_min, n_max, ssl_socket_##name)

SSL_SOCKET_STREAM_METHOD(read, mp_stream_read_obj, 1, 2);
SSL_SOCKET_STREAM_METHOD(readinto, mp_stream_readinto_obj, 2, 3);
SSL_SOCKET_STREAM_METHOD(readline, mp_stream_unbuffered_readline_obj, 1, 2);
SSL_SOCKET_STREAM_METHOD(write, mp_stream_write_obj, 2, 4);
SSL_SOCKET_STREAM_METHOD(recv, mp_stream_read1_obj, 2, 2);
SSL_SOCKET_STREAM_METHOD(send, mp_stream_write1_obj, 2, 2);

// Passes setblocking()/settimeout() through to the wrapped socket.
static mp_obj_t ssl_socket_forward(mp_obj_t self_in, qstr method, mp_obj_t arg) {
    mp_obj_ssl_socket_t *self = MP_OBJ_TO_PTR(self_in);
    mp_obj_t dest[3];
    mp_load_method(self->sock, method, dest);
    dest[2] = arg;
    return mp_call_method_n_kw(1, 0, dest);
}

static mp_obj_t ssl_socket_setblocking(mp_obj_t self_in, mp_obj_t flag) {
    return ssl_socket_forward(self_in, MP_QSTR_setblocking, flag);
}
static MP_DEFINE_CONST_FUN_OBJ_2(ssl_socket_setblocking_obj, ssl_socket_setblocking);

static mp_obj_t ssl_socket_settimeout(mp_obj_t self_in, mp_obj_t timeout) {
    return ssl_socket_forward(self_in, MP_QSTR_settimeout, timeout);
}
static MP_DEFINE_CONST_FUN_OBJ_2(ssl_socket_settimeout_obj, ssl_socket_settimeout);

// Completes the handshake now (for sockets wrapped with
// do_handshake_on_connect=False), waiting for the stream as needed.
static mp_obj_t ssl_socket_do_handshake(mp_obj_t self_in) {
    mp_obj_ssl_socket_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->state == SSL_SOCKET_CLOSED) {
        mpssl_raise_closed();
    }
    ssl_socket_handshake(self);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_socket_do_handshake_obj, ssl_socket_do_handshake);

static mp_obj_ssl_socket_t *ssl_socket_open_or_raise(mp_obj_t self_in) {
    mp_obj_ssl_socket_t *self = MP_OBJ_TO_PTR(self_in);
    mpssl_socket_check_idle(self);
    if (self->state == SSL_SOCKET_CLOSED) {
        mpssl_raise_closed();
    }
    if (self->state == SSL_SOCKET_FAILED) {
        mpssl_raise_socket_error(self);
    }
    return self;
}

static mp_obj_t ssl_socket_getpeercert(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_binary_form, MP_ARG_BOOL, {.u_bool = false} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args - 1, pos_args + 1, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    mp_obj_ssl_socket_t *self = ssl_socket_open_or_raise(pos_args[0]);
    if (self->state != SSL_SOCKET_OPEN) {
        mp_raise_ValueError(MP_ERROR_TEXT("handshake not done yet"));
    }
    ssl_socket_take_peer_cert(self);
    if (self->peer_cert == mp_const_none || args[0].u_bool) {
        return self->peer_cert;
    }
    return mpssl_cert_der_to_dict(self->peer_cert);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(ssl_socket_getpeercert_obj, 1, ssl_socket_getpeercert);

static mp_obj_t ssl_socket_cipher(mp_obj_t self_in) {
    mp_obj_ssl_socket_t *self = ssl_socket_open_or_raise(self_in);
    if (self->state != SSL_SOCKET_OPEN) {
        return mp_const_none;
    }
    return mpssl_cipher_info(&self->ssl);
}
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_socket_cipher_obj, ssl_socket_cipher);

// The finaliser frees TLS state only: no I/O from the garbage collector,
// and the wrapped socket has a finaliser of its own. Called by a callback
// inside Mbed TLS, it waits until Mbed TLS has returned.
static mp_obj_t ssl_socket___del__(mp_obj_t self_in) {
    mp_obj_ssl_socket_t *self = MP_OBJ_TO_PTR(self_in);
    if (!self->busy) {
        ssl_socket_release(self);
    } else if (self->deferred == SSL_SOCKET_DEFER_NOTHING) {
        self->deferred = SSL_SOCKET_DEFER_RELEASE;
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_socket___del___obj, ssl_socket___del__);

static const mp_rom_map_elem_t ssl_socket_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR_read), MP_ROM_PTR(&ssl_socket_read_obj) },
    { MP_ROM_QSTR(MP_QSTR_readinto), MP_ROM_PTR(&ssl_socket_readinto_obj) },
    { MP_ROM_QSTR(MP_QSTR_readline), MP_ROM_PTR(&ssl_socket_readline_obj) },
    { MP_ROM_QSTR(MP_QSTR_write), MP_ROM_PTR(&ssl_socket_write_obj) },
    { MP_ROM_QSTR(MP_QSTR_recv), MP_ROM_PTR(&ssl_socket_recv_obj) },
    { MP_ROM_QSTR(MP_QSTR_recv_into), MP_ROM_PTR(&ssl_socket_readinto_obj) },
    { MP_ROM_QSTR(MP_QSTR_send), MP_ROM_PTR(&ssl_socket_send_obj) },
    { MP_ROM_QSTR(MP_QSTR_sendall), MP_ROM_PTR(&ssl_socket_write_obj) },
    { MP_ROM_QSTR(MP_QSTR_setblocking), MP_ROM_PTR(&ssl_socket_setblocking_obj) },
    { MP_ROM_QSTR(MP_QSTR_settimeout), MP_ROM_PTR(&ssl_socket_settimeout_obj) },
    { MP_ROM_QSTR(MP_QSTR_do_handshake), MP_ROM_PTR(&ssl_socket_do_handshake_obj) },
    { MP_ROM_QSTR(MP_QSTR_getpeercert), MP_ROM_PTR(&ssl_socket_getpeercert_obj) },
    { MP_ROM_QSTR(MP_QSTR_cipher), MP_ROM_PTR(&ssl_socket_cipher_obj) },
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&mp_stream_close_obj) },
    { MP_ROM_QSTR(MP_QSTR___enter__), MP_ROM_PTR(&mp_identity_obj) },
    { MP_ROM_QSTR(MP_QSTR___exit__), MP_ROM_PTR(&mp_stream___exit___obj) },
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&ssl_socket___del___obj) },
    // Upstream's tests drive poll through ioctl().
    { MP_ROM_QSTR(MP_QSTR_ioctl), MP_ROM_PTR(&mp_stream_ioctl_obj) },
    { MP_ROM_QSTR(MP_QSTR_version), MP_ROM_PTR(&mpssl_socket_version_obj) },
    { MP_ROM_QSTR(MP_QSTR_pending), MP_ROM_PTR(&mpssl_socket_pending_obj) },
    { MP_ROM_QSTR(MP_QSTR_selected_alpn_protocol), MP_ROM_PTR(&mpssl_socket_selected_alpn_protocol_obj) },
};
static MP_DEFINE_CONST_DICT(ssl_socket_locals_dict, ssl_socket_locals_dict_table);

MP_DEFINE_CONST_OBJ_TYPE(
    mpssl_socket_type,
    MP_QSTR_SSLSocket,
    MP_TYPE_FLAG_ITER_IS_STREAM,
    protocol, &ssl_socket_stream_p,
    attr, mpssl_compat_socket_attr,
    locals_dict, &ssl_socket_locals_dict
    );
