// The ssl module, and the same classes and constants under the name tls
// that upstream MicroPython code imports.
#include <string.h>

#include "py/runtime.h"
#include "py/objstr.h"

#include "mbedtls/build_info.h"

#include "mpssl.h"

#if defined(MBEDTLS_SSL_ALPN)
#define MPSSL_HAS_ALPN MP_ROM_TRUE
#else
#define MPSSL_HAS_ALPN MP_ROM_FALSE
#endif

static const MP_DEFINE_STR_OBJ(mpssl_mbedtls_version_obj, MBEDTLS_VERSION_STRING_FULL);

// A str for C. A NUL inside would end it early there, so that
// "example.com\0.attacker.example" would be checked as example.com: raise.
const char *mpssl_str_get_cstr(mp_obj_t str, const char *what) {
    if (!mp_obj_is_str(str)) {
        mp_raise_msg_varg(&mp_type_TypeError, MP_ERROR_TEXT("%s must be str"), what);
    }
    size_t len;
    const char *data = mp_obj_str_get_data(str, &len);
    if (memchr(data, '\0', len) != NULL) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("%s must not contain a NUL character"), what);
    }
    return data;
}

// ssl.wrap_socket(): a context made for one socket, as the spec describes.
static mp_obj_t mod_ssl_wrap_socket(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_server_side, ARG_key, ARG_cert, ARG_cert_reqs, ARG_cadata, ARG_server_hostname, ARG_do_handshake };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_server_side, MP_ARG_BOOL, {.u_bool = false} },
        { MP_QSTR_key, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_cert, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_cert_reqs, MP_ARG_INT, {.u_int = MPSSL_CERT_NONE} },
        { MP_QSTR_cadata, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_server_hostname, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_do_handshake, MP_ARG_BOOL, {.u_bool = true} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args - 1, pos_args + 1, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);

    bool server_side = args[ARG_server_side].u_bool;
    mp_obj_t context = mpssl_context_new(server_side ? MPSSL_PROTOCOL_TLS_SERVER : MPSSL_PROTOCOL_TLS_CLIENT,
        MPSSL_CERT_NONE);
    mp_obj_t key = args[ARG_key].u_obj;
    mp_obj_t cert = args[ARG_cert].u_obj;
    if (key != mp_const_none || cert != mp_const_none) {
        // One without the other fails there with a TypeError.
        mpssl_load_cert_chain(MP_OBJ_TO_PTR(context), cert, key);
    }
    if (args[ARG_cadata].u_obj != mp_const_none) {
        mpssl_anchors_load(MP_OBJ_TO_PTR(context), mp_const_none, args[ARG_cadata].u_obj);
    }
    mp_store_attr(context, MP_QSTR_verify_mode, MP_OBJ_NEW_SMALL_INT(args[ARG_cert_reqs].u_int));
    return mpssl_socket_new(MP_OBJ_TO_PTR(context), pos_args[0], args[ARG_do_handshake].u_bool,
        args[ARG_server_hostname].u_obj, mp_const_none, mp_const_none);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(mod_ssl_wrap_socket_obj, 1, mod_ssl_wrap_socket);

// The entries both module names share.
#define MPSSL_COMMON_GLOBALS \
    { MP_ROM_QSTR(MP_QSTR_wrap_socket), MP_ROM_PTR(&mod_ssl_wrap_socket_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_SSLSocket), MP_ROM_PTR(&mpssl_socket_type) }, \
    { MP_ROM_QSTR(MP_QSTR_SSLSession), MP_ROM_PTR(&mpssl_session_type) }, \
    { MP_ROM_QSTR(MP_QSTR_MBEDTLS_VERSION), MP_ROM_PTR(&mpssl_mbedtls_version_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_PROTOCOL_TLS_CLIENT), MP_ROM_INT(MPSSL_PROTOCOL_TLS_CLIENT) }, \
    { MP_ROM_QSTR(MP_QSTR_PROTOCOL_TLS_SERVER), MP_ROM_INT(MPSSL_PROTOCOL_TLS_SERVER) }, \
    { MP_ROM_QSTR(MP_QSTR_PROTOCOL_DTLS_CLIENT), MP_ROM_INT(MPSSL_PROTOCOL_DTLS_CLIENT) }, \
    { MP_ROM_QSTR(MP_QSTR_PROTOCOL_DTLS_SERVER), MP_ROM_INT(MPSSL_PROTOCOL_DTLS_SERVER) }, \
    { MP_ROM_QSTR(MP_QSTR_CERT_NONE), MP_ROM_INT(MPSSL_CERT_NONE) }, \
    { MP_ROM_QSTR(MP_QSTR_CERT_OPTIONAL), MP_ROM_INT(MPSSL_CERT_OPTIONAL) }, \
    { MP_ROM_QSTR(MP_QSTR_CERT_REQUIRED), MP_ROM_INT(MPSSL_CERT_REQUIRED) }, \
    { MP_ROM_QSTR(MP_QSTR_SSLError), MP_ROM_PTR(&mpssl_ssl_error_type) }, \
    { MP_ROM_QSTR(MP_QSTR_SSLCertVerificationError), MP_ROM_PTR(&mpssl_cert_verification_error_type) }, \
    { MP_ROM_QSTR(MP_QSTR_TLSVersion), MP_ROM_PTR(&mpssl_tls_version_type) }, \
    { MP_ROM_QSTR(MP_QSTR_Purpose), MP_ROM_PTR(&mpssl_purpose_type) }, \
    { MP_ROM_QSTR(MP_QSTR_create_default_context), MP_ROM_PTR(&mpssl_create_default_context_obj) }, \
    { MP_ROM_QSTR(MP_QSTR_HAS_ALPN), MPSSL_HAS_ALPN }, \
    { MP_ROM_QSTR(MP_QSTR_ALERT_DESCRIPTION_HANDSHAKE_FAILURE), MP_ROM_INT(MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE) }, \
    { MP_ROM_QSTR(MP_QSTR_ALERT_DESCRIPTION_ACCESS_DENIED), MP_ROM_INT(MBEDTLS_SSL_ALERT_MSG_ACCESS_DENIED) }, \
    { MP_ROM_QSTR(MP_QSTR_ALERT_DESCRIPTION_INTERNAL_ERROR), MP_ROM_INT(MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR) }, \
    { MP_ROM_QSTR(MP_QSTR_ALERT_DESCRIPTION_UNRECOGNIZED_NAME), MP_ROM_INT(MBEDTLS_SSL_ALERT_MSG_UNRECOGNIZED_NAME) }

static const mp_rom_map_elem_t mp_module_ssl_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_ssl) },
    { MP_ROM_QSTR(MP_QSTR_SSLContext), MP_ROM_PTR(&mpssl_context_type) },
    MPSSL_COMMON_GLOBALS,
};
static MP_DEFINE_CONST_DICT(mp_module_ssl_globals, mp_module_ssl_globals_table);

const mp_obj_module_t mp_module_ssl = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&mp_module_ssl_globals,
};
MP_REGISTER_MODULE(MP_QSTR_ssl, mp_module_ssl);

static const mp_rom_map_elem_t mp_module_tls_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_tls) },
    { MP_ROM_QSTR(MP_QSTR_SSLContext), MP_ROM_PTR(&mpssl_tls_context_type) },
    MPSSL_COMMON_GLOBALS,
};
static MP_DEFINE_CONST_DICT(mp_module_tls_globals, mp_module_tls_globals_table);

const mp_obj_module_t mp_module_tls = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&mp_module_tls_globals,
};
MP_REGISTER_MODULE(MP_QSTR_tls, mp_module_tls);
