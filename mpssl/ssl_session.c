// Session resumption, as in CPython: a client reads SSLSocket.session (an
// SSLSession) and offers it to its next connection with
// wrap_socket(..., session=...); SSLSocket.session_reused tells whether the
// handshake resumed it. A TLS server context seals session tickets with
// keys of its own, so it resumes clients without keeping state for them.
//
// RAM: a TLS server context holds two AES-256-GCM ticket keys (a server
// context takes about 1.6 KiB more heap than a client one on unix); an
// SSLSession holds a copy of the session with its ticket and, for
// getpeercert() after resuming, the server's certificate as DER (shared
// with the socket it came from, not parsed: see ssl_socket.c).
#include <string.h>

#include "py/runtime.h"

#include "mpssl.h"

// How long a ticket stays valid, in seconds, and how often a context
// changes the key that seals new tickets (the previous key still opens the
// tickets it sealed). The same 2 hours as OpenSSL's default.
#ifndef MPSSL_TICKET_LIFETIME_S
#define MPSSL_TICKET_LIFETIME_S (7200)
#endif

// An SSLSession: what a client needs to resume a connection. A resumed
// handshake verifies nothing, so a session is offered only through the
// context that made it (as in CPython) and to the server_hostname it was
// verified for.
typedef struct _mp_obj_ssl_session_t {
    mp_obj_base_t base;
    mp_obj_t context;
    mp_obj_t server_hostname;
    mp_obj_t peer_cert; // DER bytes, or None
    mbedtls_ssl_session session;
} mp_obj_ssl_session_t;

// ---- Server: session tickets -----------------------------------------------

void mpssl_session_context_init(mp_obj_ssl_context_t *context) {
    #if defined(MBEDTLS_SSL_TICKET_C)
    mbedtls_ssl_ticket_init(&context->tickets);
    #else
    (void)context;
    #endif
}

// A TLS server issues tickets sealed with keys drawn from the shared random
// generator and changed every MPSSL_TICKET_LIFETIME_S (Mbed TLS rotates them
// as it issues tickets). A client takes the tickets TLS 1.3 servers send
// after the handshake (Mbed TLS ignores them unless asked).
int mpssl_session_context_setup(mp_obj_ssl_context_t *context) {
    if (context->protocol == MPSSL_PROTOCOL_TLS_CLIENT) {
        #if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS)
        mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(&context->conf,
            MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
        #endif
        return 0;
    }
    #if defined(MBEDTLS_SSL_TICKET_C)
    if (context->protocol == MPSSL_PROTOCOL_TLS_SERVER) {
        int ret = mbedtls_ssl_ticket_setup(&context->tickets, mpssl_rng, NULL,
            MBEDTLS_CIPHER_AES_256_GCM, MPSSL_TICKET_LIFETIME_S);
        if (ret != 0) {
            return ret;
        }
        mbedtls_ssl_conf_session_tickets_cb(&context->conf, mbedtls_ssl_ticket_write,
            mbedtls_ssl_ticket_parse, &context->tickets);
    }
    #endif // MBEDTLS_SSL_TICKET_C
    return 0;
}

// Also wipes the ticket keys.
void mpssl_session_context_free(mp_obj_ssl_context_t *context) {
    #if defined(MBEDTLS_SSL_TICKET_C)
    mbedtls_ssl_ticket_free(&context->tickets);
    #else
    (void)context;
    #endif
}

// ---- Client: offering a session -------------------------------------------

// wrap_socket()'s session argument, checked before anything is allocated.
void mpssl_session_check(mp_obj_ssl_context_t *context, mp_obj_t session) {
    if (session == mp_const_none) {
        return;
    }
    if (!mp_obj_is_type(session, &mpssl_session_type)) {
        mp_raise_TypeError(MP_ERROR_TEXT("session must be an SSLSession"));
    }
    if (context->protocol & MPSSL_PROTOCOL_SERVER) {
        mp_raise_ValueError(MP_ERROR_TEXT("a server-side socket cannot offer a session"));
    }
    mp_obj_ssl_session_t *s = MP_OBJ_TO_PTR(session);
    if (s->context != MP_OBJ_FROM_PTR(context)) {
        mp_raise_ValueError(MP_ERROR_TEXT("session refers to a different SSLContext"));
    }
}

void mpssl_session_socket_init(mp_obj_ssl_socket_t *self, mp_obj_t server_hostname) {
    self->session = mp_const_none;
    self->server_hostname = server_hostname;
    self->session_fresh = false;
    self->session_reused = false;
    self->full_handshake = false;
}

// Offers a checked session for the coming handshake (the caller watches
// allocations). One for another server_hostname, or one the context can no
// longer use (set_ciphers() has since excluded its suite), is not offered:
// the handshake is a full one, as with a server that declines. (Mbed TLS
// would fail a TLS 1.3 handshake over the name, and resume a TLS 1.2
// session for any name.)
int mpssl_session_offer(mp_obj_ssl_socket_t *self, mp_obj_t session) {
    if (session == mp_const_none) {
        return 0;
    }
    mp_obj_ssl_session_t *s = MP_OBJ_TO_PTR(session);
    if (!mp_obj_equal(s->server_hostname, self->server_hostname)
        || !mpssl_ciphers_usable(self->context, s->session.MBEDTLS_PRIVATE(ciphersuite),
            s->session.MBEDTLS_PRIVATE(tls_version))) {
        return 0;
    }
    int ret = mbedtls_ssl_set_session(&self->ssl, &s->session);
    if (ret == 0) {
        // Resumed, the handshake brings no certificate (a full one does).
        self->peer_cert = s->peer_cert;
    }
    if (ret != 0 && mpssl_alloc_watch_failed()) {
        // Copying the server's certificate ran out of memory, which the
        // parser reports as a bad certificate.
        return MBEDTLS_ERR_SSL_ALLOC_FAILED;
    }
    return ret == MBEDTLS_ERR_SSL_BAD_INPUT_DATA ? 0 : ret;
}

// ---- Both ends: the handshake ---------------------------------------------

// Whether a handshake resumed a session: Mbed TLS does not say, but only a
// full handshake, in TLS 1.2 and 1.3 and at either end, passes through the
// server's Certificate message (resumption skips from the hellos to the
// Finished messages). ssl_socket.c runs the handshake one step at a time and
// shows each state here before its step.
void mpssl_session_handshake_step(mp_obj_ssl_socket_t *self, int state) {
    if (state == MBEDTLS_SSL_SERVER_CERTIFICATE) {
        self->full_handshake = true;
    }
}

// The handshake is over.
void mpssl_session_handshake_over(mp_obj_ssl_socket_t *self) {
    self->session_reused = !self->full_handshake;
    // A TLS 1.2 session can be exported now; a TLS 1.3 one once its ticket
    // arrives after the handshake (ssl_socket.c's read sets session_fresh).
    if (!(self->context->protocol & MPSSL_PROTOCOL_SERVER)
        && mbedtls_ssl_get_version_number(&self->ssl) == MBEDTLS_SSL_VERSION_TLS1_2) {
        self->session_fresh = true;
    }
}

// What mbedtls_ssl_read() returned around a TLS 1.3 NewSessionTicket, which
// the read goes on past. Mbed TLS first answers WANT_READ without the
// socket having said so (it has the ticket and moves to the state that
// parses it), then RECEIVED_NEW_SESSION_TICKET once it can be exported.
bool mpssl_session_read_again(mp_obj_ssl_socket_t *self, int ret) {
    #if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS)
    if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
        self->session_fresh = true;
        return true;
    }
    return ret == MBEDTLS_ERR_SSL_WANT_READ && self->sock_errno == 0
           && self->ssl.MBEDTLS_PRIVATE(state) == MBEDTLS_SSL_TLS1_3_NEW_SESSION_TICKET;
    #else
    (void)self;
    (void)ret;
    return false;
    #endif // MBEDTLS_SSL_PROTO_TLS1_3 && MBEDTLS_SSL_SESSION_TICKETS
}

// ---- Python: SSLSocket.session, SSLSocket.session_reused, SSLSession ------

// The session to resume this connection with, exported when one arrived
// since the last call (Mbed TLS exports each session only once). None on a
// server, before the handshake and, in TLS 1.3, until a ticket has arrived
// with data read after the handshake. After close(), the last one read.
static mp_obj_t ssl_session_get(mp_obj_ssl_socket_t *self) {
    if (!self->session_fresh || self->state != SSL_SOCKET_OPEN) {
        return self->session;
    }
    mp_obj_ssl_session_t *s = mp_obj_malloc_with_finaliser(mp_obj_ssl_session_t, &mpssl_session_type);
    s->context = MP_OBJ_FROM_PTR(self->context);
    s->server_hostname = self->server_hostname;
    s->peer_cert = self->peer_cert;
    mbedtls_ssl_session_init(&s->session);
    mpssl_alloc_watch_start();
    int ret = mbedtls_ssl_get_session(&self->ssl, &s->session);
    if (ret != 0) {
        mbedtls_ssl_session_free(&s->session);
        mpssl_raise_if_out_of_memory();
        mpssl_raise(ret, 0);
    }
    self->session_fresh = false;
    self->session = MP_OBJ_FROM_PTR(s);
    return self->session;
}

// The attributes SSLSocket adds to its locals dict (read-only).
void mpssl_session_socket_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] != MP_OBJ_NULL || (attr != MP_QSTR_session && attr != MP_QSTR_session_reused)) {
        dest[1] = MP_OBJ_SENTINEL; // continue in the locals dict
        return;
    }
    mp_obj_ssl_socket_t *self = MP_OBJ_TO_PTR(self_in);
    mpssl_socket_check_idle(self);
    dest[0] = attr == MP_QSTR_session ? ssl_session_get(self) : mp_obj_new_bool(self->session_reused);
}

// The session's secrets are wiped as it is freed.
static mp_obj_t ssl_session___del__(mp_obj_t self_in) {
    mp_obj_ssl_session_t *self = MP_OBJ_TO_PTR(self_in);
    mbedtls_ssl_session_free(&self->session);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_session___del___obj, ssl_session___del__);

static const mp_rom_map_elem_t ssl_session_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&ssl_session___del___obj) },
};
static MP_DEFINE_CONST_DICT(ssl_session_locals_dict, ssl_session_locals_dict_table);

// Opaque, as CPython's: created only by SSLSocket.session.
MP_DEFINE_CONST_OBJ_TYPE(
    mpssl_session_type,
    MP_QSTR_SSLSession,
    MP_TYPE_FLAG_NONE,
    locals_dict, &ssl_session_locals_dict
    );
