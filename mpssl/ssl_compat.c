// CPython's names for what code written for CPython's ssl expects:
// TLSVersion with minimum_version and maximum_version, check_hostname,
// sni_callback, create_default_context() with Purpose, and on the socket
// version(), pending(), server_hostname, server_side and context.
// docs/cpython-compat.md says where each differs from CPython and why.
#include <string.h>

#include "py/runtime.h"
#include "py/objstr.h"

#include "mpssl.h"

// ---- TLSVersion --------------------------------------------------------------

// CPython's TLSVersion values; TLSv1_2 and TLSv1_3 are also Mbed TLS's
// version numbers (DTLS 1.2 is TLSv1_2 on a DTLS context).
#define MPSSL_VERSION_MINIMUM_SUPPORTED (-2)
#define MPSSL_VERSION_MAXIMUM_SUPPORTED (-1)
#define MPSSL_VERSION_SSLv3 (0x300)
#define MPSSL_VERSION_TLSv1_2 (MBEDTLS_SSL_VERSION_TLS1_2)
#define MPSSL_VERSION_TLSv1_3 (MBEDTLS_SSL_VERSION_TLS1_3)

static const mp_rom_map_elem_t ssl_tls_version_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_MINIMUM_SUPPORTED), MP_ROM_INT(MPSSL_VERSION_MINIMUM_SUPPORTED) },
    { MP_ROM_QSTR(MP_QSTR_MAXIMUM_SUPPORTED), MP_ROM_INT(MPSSL_VERSION_MAXIMUM_SUPPORTED) },
    { MP_ROM_QSTR(MP_QSTR_SSLv3), MP_ROM_INT(MPSSL_VERSION_SSLv3) },
    { MP_ROM_QSTR(MP_QSTR_TLSv1), MP_ROM_INT(0x301) },
    { MP_ROM_QSTR(MP_QSTR_TLSv1_1), MP_ROM_INT(0x302) },
    { MP_ROM_QSTR(MP_QSTR_TLSv1_2), MP_ROM_INT(MPSSL_VERSION_TLSv1_2) },
    { MP_ROM_QSTR(MP_QSTR_TLSv1_3), MP_ROM_INT(MPSSL_VERSION_TLSv1_3) },
};
static MP_DEFINE_CONST_DICT(ssl_tls_version_locals, ssl_tls_version_locals_table);

// A namespace of ints, not an IntEnum: the values compare and hash as CPython's.
MP_DEFINE_CONST_OBJ_TYPE(
    mpssl_tls_version_type,
    MP_QSTR_TLSVersion,
    MP_TYPE_FLAG_NONE,
    locals_dict, &ssl_tls_version_locals
    );

// The newest version this build speaks on the context's transport.
static mp_int_t ssl_compat_newest(mp_obj_ssl_context_t *context) {
    #if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    if (!(context->protocol & MPSSL_PROTOCOL_DTLS)) {
        return MPSSL_VERSION_TLSv1_3;
    }
    #endif
    return MPSSL_VERSION_TLSv1_2;
}

// The value as a version this build has: MINIMUM_SUPPORTED is TLS 1.2 (the
// oldest this module speaks), MAXIMUM_SUPPORTED the newest.
static mp_int_t ssl_compat_resolve(mp_obj_ssl_context_t *context, mp_int_t version) {
    if (version == MPSSL_VERSION_MAXIMUM_SUPPORTED) {
        return ssl_compat_newest(context);
    }
    return version == MPSSL_VERSION_MINIMUM_SUPPORTED ? MPSSL_VERSION_TLSv1_2 : version;
}

// Mbed TLS gets the range set, cut to what this build speaks: a minimum
// below TLS 1.2 is met by TLS 1.2, a maximum above the newest by the newest.
static void ssl_compat_apply_versions(mp_obj_ssl_context_t *context) {
    mp_int_t newest = ssl_compat_newest(context);
    mp_int_t lo = MAX(ssl_compat_resolve(context, context->minimum_version), MPSSL_VERSION_TLSv1_2);
    mp_int_t hi = MIN(ssl_compat_resolve(context, context->maximum_version), newest);
    mbedtls_ssl_conf_min_tls_version(&context->conf, (mbedtls_ssl_protocol_version)lo);
    mbedtls_ssl_conf_max_tls_version(&context->conf, (mbedtls_ssl_protocol_version)hi);
}

static mp_int_t ssl_compat_get_version(mp_obj_ssl_context_t *context, mp_obj_t value, bool minimum) {
    mp_int_t version = mp_obj_get_int(value);
    if (version != MPSSL_VERSION_MINIMUM_SUPPORTED && version != MPSSL_VERSION_MAXIMUM_SUPPORTED
        && (version < MPSSL_VERSION_SSLv3 || version > MPSSL_VERSION_TLSv1_3)) {
        mp_raise_ValueError(MP_ERROR_TEXT("a protocol version must be one of the ssl.TLSVersion values"));
    }
    mp_int_t resolved = ssl_compat_resolve(context, version);
    if (minimum && resolved > ssl_compat_newest(context)) {
        mp_raise_ValueError((context->protocol & MPSSL_PROTOCOL_DTLS)
            ? MP_ERROR_TEXT("DTLS 1.2 (TLSVersion.TLSv1_2) is the newest DTLS version")
            : MP_ERROR_TEXT("this build has no TLS 1.3: TLSv1_2 is the newest version"));
    }
    if (!minimum && resolved < MPSSL_VERSION_TLSv1_2) {
        mp_raise_ValueError(MP_ERROR_TEXT("TLS 1.1 and older are not supported: TLSv1_2 is the oldest version"));
    }
    return version;
}

// ---- SSLContext attributes --------------------------------------------------

void mpssl_compat_context_init(mp_obj_ssl_context_t *context) {
    context->keylog_filename = mp_const_none;
    context->sni_callback = mp_const_none;
    context->alpn_protocols = NULL;
    context->minimum_version = MPSSL_VERSION_MINIMUM_SUPPORTED;
    context->maximum_version = MPSSL_VERSION_MAXIMUM_SUPPORTED;
    context->check_hostname = -1;
}

// Until set, a client checks the name when it verifies with CERT_REQUIRED
// (the spec: server_hostname is "the hostname to check").
static bool ssl_compat_check_hostname(mp_obj_ssl_context_t *context) {
    if (context->check_hostname >= 0) {
        return context->check_hostname;
    }
    return !(context->protocol & MPSSL_PROTOCOL_SERVER) && context->verify_mode == MPSSL_CERT_REQUIRED;
}

bool mpssl_compat_hostname_required(mp_obj_ssl_context_t *context) {
    return ssl_compat_check_hostname(context) && context->verify_mode != MPSSL_CERT_NONE;
}

#if defined(MBEDTLS_SSL_SERVER_NAME_INDICATION)
static int ssl_compat_sni(void *arg, mbedtls_ssl_context *ssl, const unsigned char *name, size_t len);
#endif

mp_obj_t mpssl_compat_context_load_attr(mp_obj_ssl_context_t *context, qstr attr) {
    switch (attr) {
        case MP_QSTR_check_hostname:
            return mp_obj_new_bool(ssl_compat_check_hostname(context));
        case MP_QSTR_minimum_version:
            return MP_OBJ_NEW_SMALL_INT(context->minimum_version);
        case MP_QSTR_maximum_version:
            return MP_OBJ_NEW_SMALL_INT(context->maximum_version);
        case MP_QSTR_keylog_filename:
            return context->keylog_filename;
        case MP_QSTR_sni_callback:
            return context->sni_callback;
        default:
            return MP_OBJ_NULL;
    }
}

static void ssl_compat_set_check_hostname(mp_obj_ssl_context_t *context, bool check) {
    // As in CPython: checking a name means verifying the certificate.
    if (check && context->verify_mode == MPSSL_CERT_NONE) {
        mp_store_attr(MP_OBJ_FROM_PTR(context), MP_QSTR_verify_mode, MP_OBJ_NEW_SMALL_INT(MPSSL_CERT_REQUIRED));
    }
    context->check_hostname = check;
}

static void ssl_compat_set_sni_callback(mp_obj_ssl_context_t *context, mp_obj_t callback) {
    if (!(context->protocol & MPSSL_PROTOCOL_SERVER)) {
        mp_raise_ValueError(MP_ERROR_TEXT("sni_callback is for server contexts: a client sends its name with server_hostname"));
    }
    if (callback != mp_const_none && !mp_obj_is_callable(callback)) {
        mp_raise_TypeError(MP_ERROR_TEXT("sni_callback must be callable or None"));
    }
    #if defined(MBEDTLS_SSL_SERVER_NAME_INDICATION)
    context->sni_callback = callback;
    mbedtls_ssl_conf_sni(&context->conf, callback == mp_const_none ? NULL : ssl_compat_sni, NULL);
    #else
    mp_raise_NotImplementedError(MP_ERROR_TEXT("this build has no SNI (MBEDTLS_SSL_SERVER_NAME_INDICATION)"));
    #endif
}

bool mpssl_compat_context_store_attr(mp_obj_ssl_context_t *context, qstr attr, mp_obj_t value) {
    switch (attr) {
        case MP_QSTR_check_hostname:
        case MP_QSTR_minimum_version:
        case MP_QSTR_maximum_version:
        case MP_QSTR_keylog_filename:
        case MP_QSTR_sni_callback:
            mpssl_context_check_idle(context);
            break;
        default:
            return false;
    }
    if (attr == MP_QSTR_check_hostname) {
        ssl_compat_set_check_hostname(context, mp_obj_is_true(value));
    } else if (attr == MP_QSTR_minimum_version) {
        context->minimum_version = ssl_compat_get_version(context, value, true);
        ssl_compat_apply_versions(context);
    } else if (attr == MP_QSTR_maximum_version) {
        context->maximum_version = ssl_compat_get_version(context, value, false);
        ssl_compat_apply_versions(context);
    } else if (attr == MP_QSTR_keylog_filename) {
        mpssl_keylog_check(value);
        context->keylog_filename = value;
    } else {
        ssl_compat_set_sni_callback(context, value);
    }
    return true;
}

// ---- create_default_context() ---------------------------------------------------

// Purpose.SERVER_AUTH and CLIENT_AUTH: the extended key usage OIDs (CPython's
// Purpose members are (nid, shortname, longname, oid) tuples).
static const MP_DEFINE_STR_OBJ(ssl_purpose_server_auth_obj, "1.3.6.1.5.5.7.3.1");
static const MP_DEFINE_STR_OBJ(ssl_purpose_client_auth_obj, "1.3.6.1.5.5.7.3.2");

static const mp_rom_map_elem_t ssl_purpose_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_SERVER_AUTH), MP_ROM_PTR(&ssl_purpose_server_auth_obj) },
    { MP_ROM_QSTR(MP_QSTR_CLIENT_AUTH), MP_ROM_PTR(&ssl_purpose_client_auth_obj) },
};
static MP_DEFINE_CONST_DICT(ssl_purpose_locals, ssl_purpose_locals_table);

MP_DEFINE_CONST_OBJ_TYPE(
    mpssl_purpose_type,
    MP_QSTR_Purpose,
    MP_TYPE_FLAG_NONE,
    locals_dict, &ssl_purpose_locals
    );

// context.load_verify_locations() with the CA arguments that are not None,
// as keywords: it says which it does not take (capath, here).
static void ssl_compat_load_locations(mp_obj_t context, const mp_obj_t *locations) {
    static const qstr names[3] = { MP_QSTR_cafile, MP_QSTR_capath, MP_QSTR_cadata };
    mp_obj_t call[2 + 2 * 3];
    mp_load_method(context, MP_QSTR_load_verify_locations, call);
    size_t n_kw = 0;
    for (size_t i = 0; i < 3; ++i) {
        if (locations[i] != mp_const_none) {
            call[2 + 2 * n_kw] = MP_OBJ_NEW_QSTR(names[i]);
            call[3 + 2 * n_kw] = locations[i];
            ++n_kw;
        }
    }
    mp_call_method_n_kw(0, n_kw, call);
}

// ssl.create_default_context(): CPython's secure defaults. For servers'
// authentication (a client context): CERT_REQUIRED and check_hostname, the
// CAs given, else the system's (load_default_certs(), where this build has it).
static mp_obj_t ssl_create_default_context(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_purpose, ARG_cafile, ARG_capath, ARG_cadata };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_purpose, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_PTR(&ssl_purpose_server_auth_obj)} },
        { MP_QSTR_cafile, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_capath, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_cadata, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    mp_obj_t purpose = args[ARG_purpose].u_obj;
    bool server_auth = mp_obj_equal(purpose, MP_OBJ_FROM_PTR(&ssl_purpose_server_auth_obj));
    if (!server_auth && !mp_obj_equal(purpose, MP_OBJ_FROM_PTR(&ssl_purpose_client_auth_obj))) {
        mp_raise_ValueError(MP_ERROR_TEXT("purpose must be ssl.Purpose.SERVER_AUTH or ssl.Purpose.CLIENT_AUTH"));
    }
    mp_obj_t context = mpssl_context_new(server_auth ? MPSSL_PROTOCOL_TLS_CLIENT : MPSSL_PROTOCOL_TLS_SERVER, MPSSL_CERT_NONE);
    mp_obj_ssl_context_t *self = MP_OBJ_TO_PTR(context);
    if (server_auth) {
        ssl_compat_set_check_hostname(self, true);
    }
    self->minimum_version = MPSSL_VERSION_TLSv1_2;
    mp_obj_t locations[3] = { args[ARG_cafile].u_obj, args[ARG_capath].u_obj, args[ARG_cadata].u_obj };
    if (locations[0] != mp_const_none || locations[1] != mp_const_none || locations[2] != mp_const_none) {
        ssl_compat_load_locations(context, locations);
        return context;
    }
    // load_default_certs(purpose), from the system's CA bundle, in builds
    // that have it; else the caller loads CAs before wrapping.
    mp_obj_t call[3];
    mp_load_method_maybe(context, MP_QSTR_load_default_certs, call);
    if (call[0] != MP_OBJ_NULL) {
        call[2] = purpose;
        mp_call_method_n_kw(1, 0, call);
    }
    return context;
}
MP_DEFINE_CONST_FUN_OBJ_KW(mpssl_create_default_context_obj, 0, ssl_create_default_context);

// ---- sni_callback ---------------------------------------------------------------
#if defined(MBEDTLS_SSL_SERVER_NAME_INDICATION)

// A name fit for a str: printable ASCII (IDNs travel as punycode).
static bool ssl_compat_name_is_ascii(const unsigned char *name, size_t len) {
    for (size_t i = 0; i < len; ++i) {
        if (name[i] <= 0x20 || name[i] >= 0x7f) {
            return false;
        }
    }
    return len > 0;
}

// Called by Mbed TLS with the name a client's ClientHello asks for: runs
// sni_callback(sslsocket, server_name, context), which may switch
// sslsocket.context to another context's certificate. A number returned
// (an ALERT_DESCRIPTION_*) refuses the handshake: Mbed TLS sends
// unrecognized_name. An exception refuses it and is raised once Mbed TLS
// has returned.
static int ssl_compat_sni(void *arg, mbedtls_ssl_context *ssl, const unsigned char *name, size_t len) {
    (void)arg;
    mp_obj_ssl_socket_t *self = mbedtls_ssl_get_user_data_p(ssl);
    mp_obj_t callback = self->context->sni_callback;
    if (callback == mp_const_none) {
        return 0;
    }
    if (!ssl_compat_name_is_ascii(name, len)) {
        return -1;
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) != 0) {
        self->in_sni_callback = false;
        mpssl_socket_callback_raised(self, MP_OBJ_FROM_PTR(nlr.ret_val), false);
        return -1;
    }
    self->in_sni_callback = true;
    mp_obj_t args[3] = { MP_OBJ_FROM_PTR(self), mp_obj_new_str((const char *)name, len), MP_OBJ_FROM_PTR(self->context) };
    mp_obj_t result = mp_call_function_n_kw(callback, 3, 0, args);
    bool refused = result != mp_const_none;
    if (refused) {
        mp_obj_get_int(result); // TypeError for anything but None or an alert number
    }
    self->in_sni_callback = false;
    nlr_pop();
    return refused ? -1 : 0;
}

// sslsocket.context = other inside sni_callback: the handshake goes on with
// the other server context's certificate and key. The socket keeps the other
// context (counted as one of its connections) until it is released.
static void ssl_compat_switch_context(mp_obj_ssl_socket_t *self, mp_obj_t value) {
    if (!self->in_sni_callback) {
        mp_raise_ValueError(MP_ERROR_TEXT("SSLSocket.context can only be changed inside sni_callback"));
    }
    if (!mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(value)), MP_OBJ_FROM_PTR(&mpssl_context_type))) {
        mp_raise_TypeError(MP_ERROR_TEXT("SSLSocket.context must be an SSLContext"));
    }
    mp_obj_ssl_context_t *other = MP_OBJ_TO_PTR(value);
    if (other->protocol != self->context->protocol || other->finalised) {
        mp_raise_ValueError(MP_ERROR_TEXT("sni_callback may switch to a live SSLContext of the same protocol only"));
    }
    if (other->own_chain.raw.p == NULL) {
        mp_raise_ValueError(MP_ERROR_TEXT("the SSLContext sni_callback switches to needs load_cert_chain()"));
    }
    // Mbed TLS adds each switch's certificate to the handshake's list and
    // serves the first: a second switch would serve the first context's
    // certificate while that context was let go.
    if (self->sni_context != mp_const_none) {
        mp_raise_ValueError(MP_ERROR_TEXT("sni_callback may switch SSLSocket.context once"));
    }
    int ret = mbedtls_ssl_set_hs_own_cert(&self->ssl, &other->own_chain, &other->own_key);
    if (ret != 0) {
        mpssl_raise(ret, 0);
    }
    ++other->connections;
    // Inside this callback the socket is busy, and counted so in each
    // context it uses (ssl_socket.c): now in this one too, so that no
    // callback changes the key Mbed TLS signs with.
    ++other->busy;
    self->sni_context = value;
}
#else
static void ssl_compat_switch_context(mp_obj_ssl_socket_t *self, mp_obj_t value) {
    (void)self;
    (void)value;
    mp_raise_ValueError(MP_ERROR_TEXT("SSLSocket.context can only be changed inside sni_callback"));
}
#endif // MBEDTLS_SSL_SERVER_NAME_INDICATION

// ---- SSLSocket ------------------------------------------------------------------

void mpssl_compat_socket_init(mp_obj_ssl_socket_t *self) {
    self->sni_context = mp_const_none;
    self->in_sni_callback = false;
    mbedtls_ssl_set_user_data_p(&self->ssl, self);
}

void mpssl_compat_socket_release(mp_obj_ssl_socket_t *self) {
    if (self->sni_context != mp_const_none) {
        mp_obj_t sni_context = self->sni_context;
        self->sni_context = mp_const_none;
        mpssl_context_connection_released(MP_OBJ_TO_PTR(sni_context));
    }
}

// server_hostname, server_side and context (written only by sni_callback),
// then what ssl_session.c adds.
void mpssl_compat_socket_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    mp_obj_ssl_socket_t *self = MP_OBJ_TO_PTR(self_in);
    if (dest[0] == MP_OBJ_NULL) {
        if (attr == MP_QSTR_server_hostname) {
            dest[0] = self->server_hostname;
            return;
        } else if (attr == MP_QSTR_server_side) {
            dest[0] = mp_obj_new_bool(self->context->protocol & MPSSL_PROTOCOL_SERVER);
            return;
        } else if (attr == MP_QSTR_context) {
            dest[0] = self->sni_context != mp_const_none ? self->sni_context : MP_OBJ_FROM_PTR(self->context);
            return;
        }
    } else if (dest[1] != MP_OBJ_NULL && attr == MP_QSTR_context) {
        ssl_compat_switch_context(self, dest[1]);
        dest[0] = MP_OBJ_NULL;
        return;
    }
    mpssl_session_socket_attr(self_in, attr, dest);
}

// The open connection's Mbed TLS context, or NULL before the handshake is
// over and after a failure or close.
const mbedtls_ssl_context *mpssl_compat_open_ssl(mp_obj_t self_in) {
    mp_obj_ssl_socket_t *self = MP_OBJ_TO_PTR(self_in);
    return self->state == SSL_SOCKET_OPEN ? &self->ssl : NULL;
}

// "TLSv1.2", "TLSv1.3" or "DTLSv1.2"; None until the handshake is over.
static mp_obj_t ssl_socket_version(mp_obj_t self_in) {
    const mbedtls_ssl_context *ssl = mpssl_compat_open_ssl(self_in);
    if (ssl == NULL) {
        return mp_const_none;
    }
    const char *name = mbedtls_ssl_get_version(ssl);
    return mp_obj_new_str(name, strlen(name));
}
MP_DEFINE_CONST_FUN_OBJ_1(mpssl_socket_version_obj, ssl_socket_version);

// Decrypted bytes a read returns without touching the socket.
static mp_obj_t ssl_socket_pending(mp_obj_t self_in) {
    const mbedtls_ssl_context *ssl = mpssl_compat_open_ssl(self_in);
    return MP_OBJ_NEW_SMALL_INT(ssl == NULL ? 0 : mbedtls_ssl_get_bytes_avail(ssl));
}
MP_DEFINE_CONST_FUN_OBJ_1(mpssl_socket_pending_obj, ssl_socket_pending);
