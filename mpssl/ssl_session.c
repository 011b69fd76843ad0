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
//
// A session also goes to bytes and back (SSLSession.serialize() and
// SSLSession(data)), for a device that keeps it across a reset or deep
// sleep: see "Serialized sessions" below.
#include <string.h>

#include "py/runtime.h"
#include "mbedtls/sha256.h"
#include "mbedtls/platform_util.h"

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
    mp_obj_t context;         // None for a session made from bytes
    uint8_t protocol;         // the PROTOCOL_* of the connection it came from
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
    if (s->context != MP_OBJ_FROM_PTR(context) && s->context != mp_const_none) {
        mp_raise_ValueError(MP_ERROR_TEXT("session refers to a different SSLContext"));
    }
    // One made from bytes is offered by any client context of its kind.
    if (s->protocol != context->protocol) {
        mp_raise_ValueError(MP_ERROR_TEXT("session comes from a TLS connection and the context is DTLS, or the reverse"));
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
    s->protocol = self->context->protocol;
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
    if (mpssl_cid_socket_attr(MP_OBJ_TO_PTR(self_in), attr, dest)) {
        return;
    }
    if (dest[0] != MP_OBJ_NULL || (attr != MP_QSTR_session && attr != MP_QSTR_session_reused)) {
        dest[1] = MP_OBJ_SENTINEL; // continue in the locals dict
        return;
    }
    mp_obj_ssl_socket_t *self = MP_OBJ_TO_PTR(self_in);
    mpssl_socket_check_idle(self);
    dest[0] = attr == MP_QSTR_session ? ssl_session_get(self) : mp_obj_new_bool(self->session_reused);
}

// ---- Serialized sessions ----------------------------------------------------
//
// SSLSession.serialize() gives bytes; SSLSession(data) makes the session
// again, in this process or another one built the same way. The layout (all
// numbers big-endian):
//
//   "MPSS"  format (1 byte, SSL_SESSION_FORMAT)  protocol (1 byte)
//   server_hostname   field: 4-byte length then UTF-8, or length 0xffffffff for None
//   peer certificate  field: DER, or 0xffffffff for None
//   Mbed TLS session  field: mbedtls_ssl_session_save()'s bytes (they start with
//                     Mbed TLS's version and its configuration's flags)
//   SHA-256 of everything before it (32 bytes)
//
// The digest makes a truncated or corrupted blob a ValueError before Mbed
// TLS's parser sees a byte of it. It is no seal: whoever can write the
// blob can write its digest. The bytes hold the session's master secret (or
// resumption key), and a resumed handshake verifies no certificate, so they
// must be kept where the device's private key would be (docs/sessions-cid-keyupdate.md).
// Mbed TLS's loader still checks every length it reads (fuzz/session.py
// fuzzes it behind a valid digest).
#define SSL_SESSION_FORMAT (1)
#define SSL_SESSION_HEADER_LEN (6)
#define SSL_SESSION_DIGEST_LEN (32)
#define SSL_SESSION_FIELD_NONE (0xffffffff)

static void ssl_session_digest(const byte *data, size_t len, byte *digest) {
    int ret = mbedtls_sha256(data, len, digest, 0);
    if (ret != 0) {
        mpssl_raise(ret, 0);
    }
}

static size_t ssl_session_field_len(mp_obj_t obj) {
    if (obj == mp_const_none) {
        return 4;
    }
    mp_buffer_info_t bufinfo;
    mp_get_buffer_raise(obj, &bufinfo, MP_BUFFER_READ);
    return 4 + bufinfo.len;
}

static byte *ssl_session_put_len(byte *p, uint32_t n) {
    p[0] = n >> 24;
    p[1] = n >> 16;
    p[2] = n >> 8;
    p[3] = n;
    return p + 4;
}

static byte *ssl_session_put_field(byte *p, mp_obj_t obj) {
    if (obj == mp_const_none) {
        return ssl_session_put_len(p, SSL_SESSION_FIELD_NONE);
    }
    mp_buffer_info_t bufinfo;
    mp_get_buffer_raise(obj, &bufinfo, MP_BUFFER_READ);
    p = ssl_session_put_len(p, bufinfo.len);
    memcpy(p, bufinfo.buf, bufinfo.len);
    return p + bufinfo.len;
}

// The bytes are made in place, in one allocation, so no copy of the secrets
// is left behind in the heap.
static mp_obj_t ssl_session_serialize(mp_obj_t self_in) {
    mp_obj_ssl_session_t *self = MP_OBJ_TO_PTR(self_in);
    size_t session_len = 0;
    int ret = mbedtls_ssl_session_save(&self->session, NULL, 0, &session_len);
    if (ret != MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL) {
        mpssl_raise(ret == 0 ? MBEDTLS_ERR_SSL_INTERNAL_ERROR : ret, 0);
    }
    size_t len = SSL_SESSION_HEADER_LEN + ssl_session_field_len(self->server_hostname)
        + ssl_session_field_len(self->peer_cert) + 4 + session_len + SSL_SESSION_DIGEST_LEN;
    vstr_t vstr;
    vstr_init_len(&vstr, len);
    byte *p = (byte *)vstr.buf;
    memcpy(p, "MPSS", 4);
    p[4] = SSL_SESSION_FORMAT;
    p[5] = self->protocol;
    p = ssl_session_put_field(p + SSL_SESSION_HEADER_LEN, self->server_hostname);
    p = ssl_session_put_field(p, self->peer_cert);
    p = ssl_session_put_len(p, session_len);
    ret = mbedtls_ssl_session_save(&self->session, p, session_len, &session_len);
    if (ret != 0) {
        mbedtls_platform_zeroize(vstr.buf, len);
        vstr_clear(&vstr);
        mpssl_raise(ret, 0);
    }
    p += session_len;
    ssl_session_digest((const byte *)vstr.buf, p - (byte *)vstr.buf, p);
    return mp_obj_new_bytes_from_vstr(&vstr);
}
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_session_serialize_obj, ssl_session_serialize);

// Reading a blob whose digest matched: each field's length is checked
// against what is left.
typedef struct _ssl_session_reader_t {
    const byte *p;
    size_t left;
} ssl_session_reader_t;

NORETURN static void ssl_session_raise_malformed(void) {
    mp_raise_ValueError(MP_ERROR_TEXT("serialized SSLSession is malformed: use the bytes SSLSession.serialize() gave"));
}

// A field's bytes, or NULL for None.
static const byte *ssl_session_get_field(ssl_session_reader_t *r, size_t *len) {
    if (r->left < 4) {
        ssl_session_raise_malformed();
    }
    uint32_t n = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | r->p[2] << 8 | r->p[3];
    r->p += 4;
    r->left -= 4;
    if (n == SSL_SESSION_FIELD_NONE) {
        return NULL;
    }
    if (n > r->left) {
        ssl_session_raise_malformed();
    }
    const byte *field = r->p;
    r->p += n;
    r->left -= n;
    *len = n;
    return field;
}

// SSLSession(data): the checks, outermost first, each with its own message.
static mp_obj_t ssl_session_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 1, 1, false);
    mp_buffer_info_t data;
    mp_get_buffer_raise(args[0], &data, MP_BUFFER_READ);
    const byte *buf = data.buf;
    if (data.len < 4 || memcmp(buf, "MPSS", 4) != 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("not a serialized SSLSession (it starts with b'MPSS')"));
    }
    byte digest[SSL_SESSION_DIGEST_LEN];
    if (data.len < SSL_SESSION_HEADER_LEN + SSL_SESSION_DIGEST_LEN) {
        mp_raise_ValueError(MP_ERROR_TEXT("serialized SSLSession is truncated"));
    }
    size_t body_len = data.len - SSL_SESSION_DIGEST_LEN;
    ssl_session_digest(buf, body_len, digest);
    if (memcmp(digest, buf + body_len, SSL_SESSION_DIGEST_LEN) != 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("serialized SSLSession is truncated or corrupted (its SHA-256 does not match)"));
    }
    if (buf[4] != SSL_SESSION_FORMAT) {
        mp_raise_ValueError(MP_ERROR_TEXT("serialized SSLSession has a format this version of the ssl module does not read"));
    }
    uint8_t protocol = buf[5];
    if (protocol != MPSSL_PROTOCOL_TLS_CLIENT && protocol != MPSSL_PROTOCOL_DTLS_CLIENT) {
        ssl_session_raise_malformed();
    }
    ssl_session_reader_t r = { buf + SSL_SESSION_HEADER_LEN, body_len - SSL_SESSION_HEADER_LEN };
    size_t hostname_len = 0, cert_len = 0, session_len = 0;
    const byte *hostname = ssl_session_get_field(&r, &hostname_len);
    const byte *cert = ssl_session_get_field(&r, &cert_len);
    const byte *session = ssl_session_get_field(&r, &session_len);
    if (session == NULL || r.left != 0) {
        ssl_session_raise_malformed();
    }

    mp_obj_ssl_session_t *s = mp_obj_malloc_with_finaliser(mp_obj_ssl_session_t, type);
    mbedtls_ssl_session_init(&s->session);
    s->context = mp_const_none;
    s->protocol = protocol;
    s->server_hostname = hostname == NULL ? mp_const_none : mp_obj_new_str((const char *)hostname, hostname_len);
    s->peer_cert = cert == NULL ? mp_const_none : mp_obj_new_bytes(cert, cert_len);
    mpssl_alloc_watch_start();
    int ret = mbedtls_ssl_session_load(&s->session, session, session_len);
    if (ret == 0 && s->session.MBEDTLS_PRIVATE(endpoint) != MBEDTLS_SSL_IS_CLIENT) {
        ret = MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    if (ret != 0) {
        mbedtls_ssl_session_free(&s->session);
        mpssl_raise_if_out_of_memory();
        if (ret == MBEDTLS_ERR_SSL_VERSION_MISMATCH) {
            mp_raise_ValueError(MP_ERROR_TEXT("serialized SSLSession comes from another Mbed TLS version or configuration: make a new session"));
        }
        ssl_session_raise_malformed();
    }
    return MP_OBJ_FROM_PTR(s);
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
    { MP_ROM_QSTR(MP_QSTR_serialize), MP_ROM_PTR(&ssl_session_serialize_obj) },
};
static MP_DEFINE_CONST_DICT(ssl_session_locals_dict, ssl_session_locals_dict_table);

// Opaque, as CPython's: made by SSLSocket.session, or from the bytes
// serialize() gave.
MP_DEFINE_CONST_OBJ_TYPE(
    mpssl_session_type,
    MP_QSTR_SSLSession,
    MP_TYPE_FLAG_NONE,
    make_new, ssl_session_make_new,
    locals_dict, &ssl_session_locals_dict
    );
