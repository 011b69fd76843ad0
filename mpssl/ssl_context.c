// SSLContext: the configuration shared by every connection it wraps. It
// owns an mbedtls_ssl_config with its certificates, key, CA chain, cipher
// list and (DTLS servers) HelloVerify cookie secret.
#include <string.h>

#include "py/runtime.h"

#include "mpssl.h"

static mp_obj_ssl_context_t *ssl_context_get(mp_obj_t self_in) {
    return MP_OBJ_TO_PTR(self_in);
}

// After __del__ the configuration is gone, or goes with the last connection.
static void ssl_context_check_live(mp_obj_ssl_context_t *context) {
    if (context->finalised) {
        mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("SSLContext was finalised (its __del__ was called): make a new one"));
    }
}

// Mbed TLS reads the configuration while one of the context's connections
// is inside it: a callback there (verify_callback, a stream written in
// Python) must not change it.
void mpssl_context_check_idle(mp_obj_ssl_context_t *context) {
    ssl_context_check_live(context);
    if (context->busy != 0) {
        mp_raise_msg(&mp_type_RuntimeError,
            MP_ERROR_TEXT("SSLContext is in use by a handshake or transfer: change it outside its callbacks"));
    }
}

// The context, for a change.
static mp_obj_ssl_context_t *ssl_context_get_idle(mp_obj_t self_in) {
    mp_obj_ssl_context_t *self = ssl_context_get(self_in);
    mpssl_context_check_idle(self);
    return self;
}

static void ssl_context_set_verify_mode(mp_obj_ssl_context_t *self, mp_int_t mode) {
    if (mode != MPSSL_CERT_NONE && mode != MPSSL_CERT_OPTIONAL && mode != MPSSL_CERT_REQUIRED) {
        mp_raise_ValueError(MP_ERROR_TEXT("verify_mode must be CERT_NONE, CERT_OPTIONAL or CERT_REQUIRED"));
    }
    if (mode == MPSSL_CERT_NONE && self->check_hostname == 1) {
        mp_raise_ValueError(MP_ERROR_TEXT("cannot set verify_mode to CERT_NONE while check_hostname is True: set check_hostname = False first"));
    }
    self->verify_mode = mode;
    // A client cannot "optionally" trust a server: as in CPython,
    // CERT_OPTIONAL on a client verifies as CERT_REQUIRED. A server with
    // CERT_OPTIONAL asks for a certificate and accepts its absence; one that
    // fails verification is rejected by ssl_socket_verify().
    int authmode = mode;
    if (mode == MPSSL_CERT_OPTIONAL && !(self->protocol & MPSSL_PROTOCOL_SERVER)) {
        authmode = MBEDTLS_SSL_VERIFY_REQUIRED;
    }
    mbedtls_ssl_conf_authmode(&self->conf, authmode);
}

// Signature algorithms offered and accepted, in order of preference. RSA
// PKCS#1 v1.5 comes before PSS: a TLS 1.2 server such as OpenSSL picks the
// first one it shares, and Mbed TLS 3.6's TLS 1.2 client rejects the PSS
// signature it itself offered (Mbed TLS issue 10668). TLS 1.3 uses only the
// PSS entries for RSA handshake signatures. No SHA-1.
static const uint16_t ssl_context_sig_algs[] = {
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA512,
    MBEDTLS_TLS1_3_SIG_NONE
};

// Certificate chains are held to the limits of the list above, as far as an
// Mbed TLS profile can say them (CVE-2026-54441: the list binds handshake
// signatures only, and the default profile also takes SHA-3, P-521 and
// Brainpool curves in a chain, should a build compile them in): signatures
// with the list's hashes, by ECDSA on its curves or by RSA (PKCS#1 v1.5 or
// PSS) with keys of 2048 bits or more. A profile cannot pair a hash with a
// key type, so a chain may still pair ECDSA with SHA-512.
static const mbedtls_x509_crt_profile ssl_context_cert_profile = {
    .allowed_mds = MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA256)
        #if defined(MBEDTLS_SHA384_C)
        | MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA384)
        #endif
        #if defined(MBEDTLS_SHA512_C)
        | MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA512)
        #endif
    ,
    .allowed_pks = MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECKEY) | MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECDSA)
        | MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_RSA)
        #if defined(MBEDTLS_X509_RSASSA_PSS_SUPPORT)
        | MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_RSASSA_PSS)
        #endif
    ,
    .allowed_curves = MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP256R1)
        #if defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
        | MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP384R1)
        #endif
    ,
    .rsa_min_bitlen = 2048,
};

// Key exchange groups, in order of preference. P-256 comes first: with
// Mbed TLS its fixed-base comb makes key generation cheaper than X25519's
// ladder, and a TLS 1.2 or 1.3 handshake costs 11% fewer instructions on
// the client and 20% fewer on the server (callgrind; README, Performance).
// OpenSSL and Mbed TLS servers take a P-256 key share without a
// HelloRetryRequest. Curves a profile leaves out are skipped by Mbed TLS.
static const uint16_t ssl_context_groups[] = {
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1,
    MBEDTLS_SSL_IANA_TLS_GROUP_NONE
};

// Record size a client asks servers for (RFC 6066 max_fragment_length), in
// bytes; index = Mbed TLS's MBEDTLS_SSL_MAX_FRAG_LEN_* code, 0 = ask nothing.
// When the server agrees (OpenSSL and Mbed TLS servers do), Mbed TLS shrinks
// both record buffers of the connection to it once the handshake is over
// (MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH): 4096 takes about 12 KiB off an
// established connection's 16 KiB input buffer, in TLS 1.2 and 1.3.
static const uint16_t ssl_context_fragment_lengths[] = { 0, 512, 1024, 2048, 4096 };

static void ssl_context_set_max_fragment_length(mp_obj_ssl_context_t *self, mp_obj_t length_in) {
    if (self->protocol & MPSSL_PROTOCOL_SERVER) {
        mp_raise_ValueError(MP_ERROR_TEXT("max_fragment_length is asked for by clients; servers grant it"));
    }
    mp_int_t length = length_in == mp_const_none ? 0 : mp_obj_get_int(length_in);
    for (size_t code = 0; code < MP_ARRAY_SIZE(ssl_context_fragment_lengths); code++) {
        if (ssl_context_fragment_lengths[code] != length) {
            continue;
        }
        // Mbed TLS refuses a length above this build's record buffers.
        if (mbedtls_ssl_conf_max_frag_len(&self->conf, code) != 0) {
            mp_raise_ValueError(MP_ERROR_TEXT("max_fragment_length exceeds this build's record buffers"));
        }
        self->max_fragment_code = code;
        return;
    }
    mp_raise_ValueError(MP_ERROR_TEXT("max_fragment_length must be None, 512, 1024, 2048 or 4096"));
}

static void ssl_context_free(mp_obj_ssl_context_t *self) {
    mpssl_session_context_free(self);
    #if defined(MBEDTLS_SSL_DTLS_HELLO_VERIFY)
    mbedtls_ssl_cookie_free(&self->cookies);
    #endif
    mbedtls_pk_free(&self->own_key);
    mbedtls_x509_crt_free(&self->own_chain);
    mbedtls_ssl_config_free(&self->conf);
}

mp_obj_t mpssl_context_new(mp_int_t protocol, int default_verify_mode) {
    if (protocol != MPSSL_PROTOCOL_TLS_CLIENT && protocol != MPSSL_PROTOCOL_TLS_SERVER
        && protocol != MPSSL_PROTOCOL_DTLS_CLIENT && protocol != MPSSL_PROTOCOL_DTLS_SERVER) {
        mp_raise_ValueError(MP_ERROR_TEXT("protocol must be one of the PROTOCOL_* constants"));
    }
    mpssl_platform_init();

    const mp_obj_type_t *type = default_verify_mode == MPSSL_CERT_REQUIRED ? &mpssl_tls_context_type : &mpssl_context_type;
    mp_obj_ssl_context_t *self = mp_obj_malloc_with_finaliser(mp_obj_ssl_context_t, type);
    // Everything is initialised before anything can fail, so the finaliser
    // can always free.
    mbedtls_ssl_config_init(&self->conf);
    self->anchors = MP_OBJ_NULL;
    self->anchors_skipped = MP_OBJ_NULL;
    self->anchors_exc = MP_OBJ_NULL;
    self->anchor_count = 0;
    mbedtls_x509_crt_init(&self->own_chain);
    mbedtls_pk_init(&self->own_key);
    #if defined(MBEDTLS_SSL_DTLS_HELLO_VERIFY)
    mbedtls_ssl_cookie_init(&self->cookies);
    #endif
    mpssl_session_context_init(self);
    mpssl_compat_context_init(self);
    mpssl_psk_context_init(self);
    mpssl_sign_context_init(self);
    self->ciphersuites = NULL;
    self->verify_callback = mp_const_none;
    self->protocol = protocol;
    self->busy = 0;
    self->connections = 0;
    self->finalised = false;

    bool server = protocol & MPSSL_PROTOCOL_SERVER;
    bool dtls = protocol & MPSSL_PROTOCOL_DTLS;
    int ret = mbedtls_ssl_config_defaults(&self->conf,
        server ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
        dtls ? MBEDTLS_SSL_TRANSPORT_DATAGRAM : MBEDTLS_SSL_TRANSPORT_STREAM,
        MBEDTLS_SSL_PRESET_DEFAULT);
    #if defined(MBEDTLS_SSL_DTLS_HELLO_VERIFY)
    if (ret == 0 && dtls && server) {
        // Cookies are keyed by a secret of this context; they expire after
        // MBEDTLS_SSL_COOKIE_TIMEOUT seconds and need no per-client memory.
        ret = mbedtls_ssl_cookie_setup(&self->cookies, mpssl_rng, NULL);
        mbedtls_ssl_conf_dtls_cookies(&self->conf, mbedtls_ssl_cookie_write, mbedtls_ssl_cookie_check, &self->cookies);
    }
    #endif
    if (ret == 0) {
        ret = mpssl_session_context_setup(self);
    }
    if (ret != 0) {
        mpssl_raise(ret, 0);
    }
    mbedtls_ssl_conf_rng(&self->conf, mpssl_rng, NULL);
    mbedtls_ssl_conf_sig_algs(&self->conf, ssl_context_sig_algs);
    mbedtls_ssl_conf_cert_profile(&self->conf, &ssl_context_cert_profile);
    mbedtls_ssl_conf_groups(&self->conf, ssl_context_groups);
    #if defined(MBEDTLS_SSL_PROTO_DTLS)
    // DTLS flights are resent after 1 s, doubling up to 8 s: a handshake
    // that cannot complete fails with ETIMEDOUT after about 15 s.
    mbedtls_ssl_conf_handshake_timeout(&self->conf, MPSSL_DTLS_TIMEOUT_MIN_MS, MPSSL_DTLS_TIMEOUT_MAX_MS);
    #endif
    mbedtls_ssl_conf_min_tls_version(&self->conf, MBEDTLS_SSL_VERSION_TLS1_2);
    ssl_context_set_verify_mode(self, server ? MPSSL_CERT_NONE : default_verify_mode);
    self->max_fragment_code = 0;
    self->dtls_cid_len = -1;
    if (!server) {
        ssl_context_set_max_fragment_length(self, MP_OBJ_NEW_SMALL_INT(MPSSL_MAX_FRAGMENT_LENGTH));
    }
    return MP_OBJ_FROM_PTR(self);
}

// ssl.SSLContext(protocol): no verification unless asked for, as the spec says.
static mp_obj_t ssl_context_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 1, 1, false);
    return mpssl_context_new(mp_obj_get_int(args[0]), MPSSL_CERT_NONE);
}

// tls.SSLContext(protocol): upstream MicroPython's default, clients verify.
static mp_obj_t tls_context_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 1, 1, false);
    return mpssl_context_new(mp_obj_get_int(args[0]), MPSSL_CERT_REQUIRED);
}

static mp_obj_t ssl_context_load_attr(mp_obj_ssl_context_t *self, qstr attr) {
    switch (attr) {
        case MP_QSTR_verify_mode:
            return MP_OBJ_NEW_SMALL_INT(self->verify_mode);
        case MP_QSTR_verify_callback:
            return self->verify_callback;
        case MP_QSTR_skipped_cas:
            return mpssl_anchors_skipped(self);
        case MP_QSTR_max_fragment_length:
            return self->max_fragment_code ? MP_OBJ_NEW_SMALL_INT(ssl_context_fragment_lengths[self->max_fragment_code]) : mp_const_none;
        default:
            return mpssl_compat_context_load_attr(self, attr);
    }
}

static bool ssl_context_store_attr(mp_obj_ssl_context_t *self, qstr attr, mp_obj_t value) {
    if (attr == MP_QSTR_verify_mode || attr == MP_QSTR_max_fragment_length) {
        mpssl_context_check_idle(self);
    }
    switch (attr) {
        case MP_QSTR_verify_mode:
            ssl_context_set_verify_mode(self, mp_obj_get_int(value));
            return true;
        case MP_QSTR_verify_callback:
            self->verify_callback = value;
            return true;
        case MP_QSTR_max_fragment_length:
            ssl_context_set_max_fragment_length(self, value);
            return true;
        default:
            return mpssl_compat_context_store_attr(self, attr, value);
    }
}

static void ssl_context_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    mp_obj_ssl_context_t *self = ssl_context_get(self_in);
    if (mpssl_cid_context_attr(self, attr, dest) || mpssl_psk_attr(self, attr, dest) ||
        mpssl_sign_attr(self, attr, dest)) {
        return;
    }
    if (dest[0] == MP_OBJ_NULL) {
        dest[0] = ssl_context_load_attr(self, attr);
        if (dest[0] == MP_OBJ_NULL) {
            dest[1] = MP_OBJ_SENTINEL; // continue in the locals dict
        }
    } else if (dest[1] != MP_OBJ_NULL && ssl_context_store_attr(self, attr, dest[1])) {
        dest[0] = MP_OBJ_NULL;
    }
}

void mpssl_context_connection_released(mp_obj_ssl_context_t *context) {
    if (--context->connections == 0 && context->finalised) {
        ssl_context_free(context);
    }
}

// Every connection's Mbed TLS state points into the configuration, so while
// any is left (__del__ called by hand, or the GC finalising the context
// before its sockets in the same sweep) the last one frees it.
static mp_obj_t ssl_context___del__(mp_obj_t self_in) {
    mp_obj_ssl_context_t *self = ssl_context_get(self_in);
    if (!self->finalised) {
        self->finalised = true;
        if (self->connections == 0) {
            ssl_context_free(self);
        }
    }
    return mp_const_none;
}

static MP_DEFINE_CONST_FUN_OBJ_1(ssl_context___del___obj, ssl_context___del__);

static mp_obj_t ssl_context_load_cert_chain(mp_obj_t self_in, mp_obj_t certfile, mp_obj_t keyfile) {
    mpssl_load_cert_chain(ssl_context_get_idle(self_in), certfile, keyfile);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_3(ssl_context_load_cert_chain_obj, ssl_context_load_cert_chain);

static mp_obj_t ssl_context_load_verify_locations(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_cafile, ARG_cadata, ARG_capath };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_cafile, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_cadata, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_capath, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args - 1, pos_args + 1, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    // CPython's third way, a directory of files named by subject hash, has
    // no place on a device's filesystem: say what to pass instead.
    if (args[ARG_capath].u_obj != mp_const_none) {
        mp_raise_ValueError(MP_ERROR_TEXT("capath (a directory of hashed CA files) is not supported: pass the bundle as cafile, or cadata"));
    }
    mpssl_anchors_load(ssl_context_get_idle(pos_args[0]), args[ARG_cafile].u_obj, args[ARG_cadata].u_obj);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(ssl_context_load_verify_locations_obj, 1, ssl_context_load_verify_locations);

// The default CAs (ssl_truststore.c says where they come from).
static mp_obj_t ssl_context_load_default_certs(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    // purpose is accepted as CPython's is (by position or name): there is one set of CAs.
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_purpose, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args - 1, pos_args + 1, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    mpssl_anchors_load_default(ssl_context_get_idle(pos_args[0]));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(ssl_context_load_default_certs_obj, 1, ssl_context_load_default_certs);

static mp_obj_t ssl_context_cert_store_stats(mp_obj_t self_in) {
    return mpssl_anchors_stats(ssl_context_get(self_in));
}
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_context_cert_store_stats_obj, ssl_context_cert_store_stats);

static mp_obj_t ssl_context_get_ciphers(mp_obj_t self_in) {
    return mpssl_ciphers_list(ssl_context_get(self_in));
}
static MP_DEFINE_CONST_FUN_OBJ_1(ssl_context_get_ciphers_obj, ssl_context_get_ciphers);

static mp_obj_t ssl_context_set_ciphers(mp_obj_t self_in, mp_obj_t names) {
    mpssl_ciphers_set(ssl_context_get_idle(self_in), names);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(ssl_context_set_ciphers_obj, ssl_context_set_ciphers);

static mp_obj_t ssl_context_wrap_socket(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    // server_side is accepted, as upstream and CPython code passes it, but
    // the context's protocol decides which end this is.
    enum { ARG_server_side, ARG_do_handshake_on_connect, ARG_server_hostname, ARG_client_id, ARG_session };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_server_side, MP_ARG_KW_ONLY | MP_ARG_BOOL, {.u_bool = false} },
        { MP_QSTR_do_handshake_on_connect, MP_ARG_KW_ONLY | MP_ARG_BOOL, {.u_bool = true} },
        { MP_QSTR_server_hostname, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_client_id, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_session, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args - 2, pos_args + 2, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    mp_obj_ssl_context_t *self = ssl_context_get(pos_args[0]);
    ssl_context_check_live(self);
    // A PSK client callback runs here, and may have finalised the context.
    mpssl_psk_connection_prepare(self);
    ssl_context_check_live(self);
    return mpssl_socket_new(self, pos_args[1], args[ARG_do_handshake_on_connect].u_bool,
        args[ARG_server_hostname].u_obj, args[ARG_client_id].u_obj, args[ARG_session].u_obj);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(ssl_context_wrap_socket_obj, 2, ssl_context_wrap_socket);

static const mp_rom_map_elem_t ssl_context_locals_dict_table[] = {
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&ssl_context___del___obj) },
    { MP_ROM_QSTR(MP_QSTR_load_cert_chain), MP_ROM_PTR(&ssl_context_load_cert_chain_obj) },
    { MP_ROM_QSTR(MP_QSTR_load_verify_locations), MP_ROM_PTR(&ssl_context_load_verify_locations_obj) },
    { MP_ROM_QSTR(MP_QSTR_get_ciphers), MP_ROM_PTR(&ssl_context_get_ciphers_obj) },
    { MP_ROM_QSTR(MP_QSTR_set_ciphers), MP_ROM_PTR(&ssl_context_set_ciphers_obj) },
    { MP_ROM_QSTR(MP_QSTR_wrap_socket), MP_ROM_PTR(&ssl_context_wrap_socket_obj) },
    { MP_ROM_QSTR(MP_QSTR_set_alpn_protocols), MP_ROM_PTR(&mpssl_context_set_alpn_protocols_obj) },
    { MP_ROM_QSTR(MP_QSTR_set_psk_client_callback), MP_ROM_PTR(&mpssl_psk_set_client_callback_obj) },
    { MP_ROM_QSTR(MP_QSTR_set_psk_server_callback), MP_ROM_PTR(&mpssl_psk_set_server_callback_obj) },
    { MP_ROM_QSTR(MP_QSTR_load_default_certs), MP_ROM_PTR(&ssl_context_load_default_certs_obj) },
    { MP_ROM_QSTR(MP_QSTR_cert_store_stats), MP_ROM_PTR(&ssl_context_cert_store_stats_obj) },
};
static MP_DEFINE_CONST_DICT(ssl_context_locals_dict, ssl_context_locals_dict_table);

MP_DEFINE_CONST_OBJ_TYPE(
    mpssl_context_type,
    MP_QSTR_SSLContext,
    MP_TYPE_FLAG_NONE,
    make_new, ssl_context_make_new,
    attr, ssl_context_attr,
    locals_dict, &ssl_context_locals_dict
    );

// The same context under the tls module: only the client default differs.
MP_DEFINE_CONST_OBJ_TYPE(
    mpssl_tls_context_type,
    MP_QSTR_SSLContext,
    MP_TYPE_FLAG_NONE,
    make_new, tls_context_make_new,
    attr, ssl_context_attr,
    parent, &mpssl_context_type,
    locals_dict, &ssl_context_locals_dict
    );
