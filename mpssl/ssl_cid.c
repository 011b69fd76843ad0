// DTLS Connection ID (RFC 9146), opt-in per context.
//
// SSLContext.dtls_cid_len (DTLS contexts; None by default: no Connection ID
// extension) is the length, 0 to 32, of the ID this end asks its peer to put
// on the records it sends us. Both ends must set it; each connection draws
// its own ID at random. A server that demultiplexes clients by address
// (tests/dtls/_dtls.py: accept) looks a record's ID up instead, so a client
// whose address changed mid-session (NAT rebinding) keeps its connection: a
// record with an ID has content type 25 and the ID right after its 11-byte
// header. A client behind a NAT asks for no ID of its own (0) and sends the
// server's. SSLSocket.dtls_cid says what the handshake agreed:
// (own ID, peer's ID) as bytes, or None.
//
// Builds without MBEDTLS_SSL_DTLS_CONNECTION_ID (the small profile) have
// neither attribute.
#include "py/runtime.h"

#include "mpssl.h"

#if defined(MBEDTLS_SSL_DTLS_CONNECTION_ID)

static void ssl_cid_set_len(mp_obj_ssl_context_t *context, mp_obj_t value) {
    if (!(context->protocol & MPSSL_PROTOCOL_DTLS)) {
        mp_raise_ValueError(MP_ERROR_TEXT("dtls_cid_len is for DTLS contexts"));
    }
    mpssl_context_check_idle(context);
    if (value == mp_const_none) {
        context->dtls_cid_len = -1;
        return;
    }
    mp_int_t len = mp_obj_get_int(value);
    if (len < 0 || len > MBEDTLS_SSL_CID_IN_LEN_MAX) {
        mp_raise_ValueError(MP_ERROR_TEXT("dtls_cid_len must be None or 0 to 32"));
    }
    // A record with an ID of another length is dropped, as any record that
    // does not authenticate is in DTLS.
    int ret = mbedtls_ssl_conf_cid(&context->conf, len, MBEDTLS_SSL_UNEXPECTED_CID_IGNORE);
    if (ret != 0) {
        mpssl_raise(ret, 0);
    }
    context->dtls_cid_len = len;
}

bool mpssl_cid_context_attr(mp_obj_ssl_context_t *context, qstr attr, mp_obj_t *dest) {
    if (attr != MP_QSTR_dtls_cid_len) {
        return false;
    }
    if (dest[0] == MP_OBJ_NULL) {
        dest[0] = context->dtls_cid_len < 0 ? mp_const_none : MP_OBJ_NEW_SMALL_INT(context->dtls_cid_len);
    } else if (dest[1] != MP_OBJ_NULL) {
        ssl_cid_set_len(context, dest[1]);
        dest[0] = MP_OBJ_NULL;
    }
    return true;
}

// Before the handshake: this connection's own ID, drawn at random.
int mpssl_cid_socket_setup(mp_obj_ssl_socket_t *self) {
    int len = self->context->dtls_cid_len;
    if (len < 0) {
        return 0;
    }
    unsigned char cid[MBEDTLS_SSL_CID_IN_LEN_MAX];
    int ret = mpssl_rng(NULL, cid, len);
    if (ret == 0) {
        ret = mbedtls_ssl_set_cid(&self->ssl, MBEDTLS_SSL_CID_ENABLED, cid, len);
    }
    return ret;
}

// SSLSocket.dtls_cid (read-only): None until a handshake agreed on IDs (or
// when both are empty, which Mbed TLS counts as not in use).
bool mpssl_cid_socket_attr(mp_obj_ssl_socket_t *self, qstr attr, mp_obj_t *dest) {
    if (attr != MP_QSTR_dtls_cid || dest[0] != MP_OBJ_NULL) {
        return false;
    }
    mpssl_socket_check_idle(self);
    dest[0] = mp_const_none;
    if (self->state != SSL_SOCKET_OPEN || !(self->context->protocol & MPSSL_PROTOCOL_DTLS)) {
        return true;
    }
    unsigned char own[MBEDTLS_SSL_CID_IN_LEN_MAX], peer[MBEDTLS_SSL_CID_OUT_LEN_MAX];
    size_t own_len = 0, peer_len = 0;
    int enabled = MBEDTLS_SSL_CID_DISABLED;
    if (mbedtls_ssl_get_peer_cid(&self->ssl, &enabled, peer, &peer_len) != 0
        || enabled != MBEDTLS_SSL_CID_ENABLED) {
        return true;
    }
    if (mbedtls_ssl_get_own_cid(&self->ssl, &enabled, own, &own_len) != 0
        || enabled != MBEDTLS_SSL_CID_ENABLED) {
        own_len = 0;
    }
    mp_obj_t ids[2] = { mp_obj_new_bytes(own, own_len), mp_obj_new_bytes(peer, peer_len) };
    dest[0] = mp_obj_new_tuple(2, ids);
    return true;
}

#else

bool mpssl_cid_context_attr(mp_obj_ssl_context_t *context, qstr attr, mp_obj_t *dest) {
    (void)context;
    (void)attr;
    (void)dest;
    return false;
}

int mpssl_cid_socket_setup(mp_obj_ssl_socket_t *self) {
    (void)self;
    return 0;
}

bool mpssl_cid_socket_attr(mp_obj_ssl_socket_t *self, qstr attr, mp_obj_t *dest) {
    (void)self;
    (void)attr;
    (void)dest;
    return false;
}

#endif // MBEDTLS_SSL_DTLS_CONNECTION_ID
