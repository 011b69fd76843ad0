// ALPN (RFC 7301): SSLContext.set_alpn_protocols() and
// SSLSocket.selected_alpn_protocol(), as in CPython.
#include <string.h>

#include "py/runtime.h"

#include "mpssl.h"

// Mbed TLS keeps a pointer to the list, and a connection's chosen protocol
// points into it. Each name is a GC block of its own, reached from the
// context's list and from every connection that chose it (the pointer sits
// in the mbedtls_ssl_context inside the SSLSocket, which the GC scans): a
// list replaced later lives on as long as a connection uses its name.
static const char **ssl_alpn_copy(mp_obj_t protocols) {
    size_t n;
    mp_obj_t *items;
    mp_obj_get_array(protocols, &n, &items);
    const char **list = m_new0(const char *, n + 1);
    size_t total = 0;
    for (size_t i = 0; i < n; ++i) {
        const char *name = mpssl_str_get_cstr(items[i], "an ALPN protocol");
        size_t len = strlen(name);
        if (len == 0 || len > 255) {
            mp_raise_ValueError(MP_ERROR_TEXT("an ALPN protocol must be 1 to 255 bytes long"));
        }
        // Each name goes on the wire with a length byte, in a list of at most 65535 bytes.
        total += len + 1;
        if (total > 65535) {
            mp_raise_ValueError(MP_ERROR_TEXT("the ALPN protocols must fit in 65535 bytes"));
        }
        char *copy = m_new(char, len + 1);
        memcpy(copy, name, len + 1);
        list[i] = copy;
    }
    return n == 0 ? NULL : list;
}

// An empty list turns ALPN off.
static mp_obj_t ssl_context_set_alpn_protocols(mp_obj_t self_in, mp_obj_t protocols) {
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(self_in);
    mpssl_context_check_idle(self);
    const char **list = ssl_alpn_copy(protocols);
    #if defined(MBEDTLS_SSL_ALPN)
    if (list == NULL) {
        // mbedtls_ssl_conf_alpn_protocols() reads the list it is given: none
        // is set by hand.
        self->conf.MBEDTLS_PRIVATE(alpn_list) = NULL;
    } else {
        int ret = mbedtls_ssl_conf_alpn_protocols(&self->conf, list);
        if (ret != 0) {
            mpssl_raise(ret, 0);
        }
    }
    #else
    mp_raise_NotImplementedError(MP_ERROR_TEXT("this build has no ALPN (MBEDTLS_SSL_ALPN)"));
    #endif
    self->alpn_protocols = list;
    return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_2(mpssl_context_set_alpn_protocols_obj, ssl_context_set_alpn_protocols);

// The protocol both ends agreed on, or None (none offered or none agreed,
// or the handshake is not over).
static mp_obj_t ssl_socket_selected_alpn_protocol(mp_obj_t self_in) {
    #if defined(MBEDTLS_SSL_ALPN)
    const mbedtls_ssl_context *ssl = mpssl_compat_open_ssl(self_in);
    const char *name = ssl == NULL ? NULL : mbedtls_ssl_get_alpn_protocol(ssl);
    if (name != NULL) {
        return mp_obj_new_str(name, strlen(name));
    }
    #else
    (void)self_in;
    #endif
    return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_1(mpssl_socket_selected_alpn_protocol_obj, ssl_socket_selected_alpn_protocol);
