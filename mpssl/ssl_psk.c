// Pre-shared keys: a device and its server share an identity and a secret
// instead of certificates (RFC 4279 in TLS 1.2 and DTLS 1.2, external PSKs
// in TLS 1.3). Two ways to set them, the two APIs users bring:
//
//   upstream MicroPython's attributes: psk_identity and psk_key (one pair,
//   on either end), server_psk_keys (servers: any object with
//   .get(identity), a dict for instance);
//   CPython 3.13's callbacks: set_psk_client_callback(callback), asked for
//   (identity, key) at each wrap_socket(), and
//   set_psk_server_callback(callback), asked for the key of the identity a
//   client names.
//
// A server looks a client's identity up inside Mbed TLS (its PSK callback,
// which gives the connection), so the Python code it runs follows the
// rules of every callback there (ssl_socket.c). A client's identity and key
// live in the mbedtls_ssl_config, the one place Mbed TLS reads them from.
#include <string.h>

#include "py/runtime.h"
#include "py/unicode.h"

#include "mbedtls/platform.h"
#include "mbedtls/platform_util.h"

#include "mpssl.h"

// The longest identity accepted: room enough for a device name or a UUID,
// and the ClientHello stays small.
#define MPSSL_PSK_IDENTITY_MAX (128)

void mpssl_psk_context_init(mp_obj_ssl_context_t *context) {
    context->psk_identity = mp_const_none;
    context->psk_key = mp_const_none;
    context->server_psk_keys = mp_const_none;
    context->psk_client_callback = mp_const_none;
    context->psk_server_callback = mp_const_none;
}

static bool ssl_psk_is_server(mp_obj_ssl_context_t *context) {
    return context->protocol & MPSSL_PROTOCOL_SERVER;
}

// ---- Checking what Python gives ------------------------------------------------

// An identity as bytes: str (UTF-8, as CPython sends it) or bytes.
static void ssl_psk_get_identity(mp_obj_t identity, mp_buffer_info_t *buf) {
    if (!mp_obj_is_str(identity) && !mp_obj_is_type(identity, &mp_type_bytes)) {
        mp_raise_TypeError(MP_ERROR_TEXT("a PSK identity must be str or bytes"));
    }
    mp_get_buffer_raise(identity, buf, MP_BUFFER_READ);
    if (buf->len == 0 || buf->len > MPSSL_PSK_IDENTITY_MAX) {
        mp_raise_msg_varg(&mp_type_ValueError,
            MP_ERROR_TEXT("a PSK identity must be 1 to %d bytes long"), MPSSL_PSK_IDENTITY_MAX);
    }
}

// A key as bytes. what names its source in the message.
static void ssl_psk_get_key(mp_obj_t key, mp_buffer_info_t *buf, const char *what) {
    if (mp_obj_is_str(key) || !mp_get_buffer(key, buf, MP_BUFFER_READ)) {
        mp_raise_msg_varg(&mp_type_TypeError,
            MP_ERROR_TEXT("%s must be the key as bytes (not hex text: bytes.fromhex() turns that into bytes)"), what);
    }
    if (buf->len == 0 || buf->len > MBEDTLS_PSK_MAX_LEN) {
        mp_raise_msg_varg(&mp_type_ValueError,
            MP_ERROR_TEXT("%s must be 1 to %d bytes long"), what, MBEDTLS_PSK_MAX_LEN);
    }
}

static void ssl_psk_check_callable(mp_obj_t callback) {
    if (callback != mp_const_none && !mp_obj_is_callable(callback)) {
        mp_raise_TypeError(MP_ERROR_TEXT("the PSK callback must be callable, or None to remove it"));
    }
}

// ---- The configuration's identity and key ------------------------------------

// Mbed TLS takes one identity and key per configuration and has no call to
// remove them; its own removal is static, so this does the same by hand.
static void ssl_psk_conf_clear(mbedtls_ssl_config *conf) {
    if (conf->MBEDTLS_PRIVATE(psk) != NULL) {
        mbedtls_platform_zeroize(conf->MBEDTLS_PRIVATE(psk), conf->MBEDTLS_PRIVATE(psk_len));
        mbedtls_free(conf->MBEDTLS_PRIVATE(psk));
        conf->MBEDTLS_PRIVATE(psk) = NULL;
        conf->MBEDTLS_PRIVATE(psk_len) = 0;
    }
    if (conf->MBEDTLS_PRIVATE(psk_identity) != NULL) {
        mbedtls_free(conf->MBEDTLS_PRIVATE(psk_identity));
        conf->MBEDTLS_PRIVATE(psk_identity) = NULL;
        conf->MBEDTLS_PRIVATE(psk_identity_len) = 0;
    }
}

static bool ssl_psk_conf_holds(const mbedtls_ssl_config *conf, const mp_buffer_info_t *identity, const mp_buffer_info_t *key) {
    return conf->MBEDTLS_PRIVATE(psk) != NULL
           && conf->MBEDTLS_PRIVATE(psk_identity_len) == identity->len
           && memcmp(conf->MBEDTLS_PRIVATE(psk_identity), identity->buf, identity->len) == 0
           && conf->MBEDTLS_PRIVATE(psk_len) == key->len
           && memcmp(conf->MBEDTLS_PRIVATE(psk), key->buf, key->len) == 0;
}

// Configures identity and key (both checked), or none when either is NULL.
static void ssl_psk_conf_set(mp_obj_ssl_context_t *context, const mp_buffer_info_t *identity, const mp_buffer_info_t *key) {
    ssl_psk_conf_clear(&context->conf);
    if (identity == NULL || key == NULL) {
        return;
    }
    int ret = mbedtls_ssl_conf_psk(&context->conf, key->buf, key->len, identity->buf, identity->len);
    if (ret != 0) {
        mpssl_raise(ret, 0);
    }
}

// psk_identity and psk_key, once both are set.
static void ssl_psk_conf_from_attrs(mp_obj_ssl_context_t *context) {
    if (context->psk_identity == mp_const_none || context->psk_key == mp_const_none) {
        ssl_psk_conf_set(context, NULL, NULL);
        return;
    }
    mp_buffer_info_t identity, key;
    mp_get_buffer_raise(context->psk_identity, &identity, MP_BUFFER_READ);
    mp_get_buffer_raise(context->psk_key, &key, MP_BUFFER_READ);
    ssl_psk_conf_set(context, &identity, &key);
}

// A client's callback is asked at each wrap_socket() (Mbed TLS ignores the
// TLS 1.2 identity hint, and TLS 1.3 has none: the hint is always None).
// Its answer goes into the configuration, which every connection of the
// context reads during its handshake: a different answer while another
// connection of the context is alive would change that one's identity too,
// so it is refused.
void mpssl_psk_connection_prepare(mp_obj_ssl_context_t *context) {
    if (ssl_psk_is_server(context) || context->psk_client_callback == mp_const_none) {
        return;
    }
    mp_obj_t answer = mp_call_function_1(context->psk_client_callback, mp_const_none);
    size_t n = 0;
    mp_obj_t *items = NULL;
    if (mp_obj_is_type(answer, &mp_type_tuple) || mp_obj_is_type(answer, &mp_type_list)) {
        mp_obj_get_array(answer, &n, &items);
    }
    if (n != 2) {
        mp_raise_TypeError(MP_ERROR_TEXT("the PSK client callback must return (identity, key)"));
    }
    mp_buffer_info_t identity, key;
    ssl_psk_get_identity(items[0], &identity);
    ssl_psk_get_key(items[1], &key, "the key the PSK client callback returns");
    if (ssl_psk_conf_holds(&context->conf, &identity, &key)) {
        return;
    }
    if (context->connections > 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("the PSK client callback changed its answer while another connection of this SSLContext is open: use one SSLContext per identity"));
    }
    ssl_psk_conf_set(context, &identity, &key);
}

// ---- The server's lookup -----------------------------------------------------

// The key for a client's identity, or None: from the callback (given str,
// as CPython does; an identity that is not UTF-8 is unknown to it) or from
// server_psk_keys.get() (given bytes).
static mp_obj_t ssl_psk_server_key(mp_obj_ssl_context_t *context, const byte *identity, size_t len) {
    if (context->psk_server_callback != mp_const_none) {
        if (!utf8_check(identity, len)) {
            return mp_const_none;
        }
        return mp_call_function_1(context->psk_server_callback, mp_obj_new_str((const char *)identity, len));
    }
    mp_obj_t get[3];
    mp_load_method(context->server_psk_keys, MP_QSTR_get, get);
    get[2] = mp_obj_new_bytes(identity, len);
    return mp_call_method_n_kw(1, 0, get);
}

// Mbed TLS's PSK callback: the connection is the one around ssl.
static int ssl_psk_server_lookup(void *unused, mbedtls_ssl_context *ssl, const unsigned char *identity, size_t len) {
    (void)unused;
    mp_obj_ssl_socket_t *self = (mp_obj_ssl_socket_t *)((char *)ssl - offsetof(mp_obj_ssl_socket_t, ssl));
    nlr_buf_t nlr;
    if (nlr_push(&nlr) != 0) {
        // Raised once Mbed TLS has returned (ssl_socket.c).
        mpssl_socket_callback_raised(self, MP_OBJ_FROM_PTR(nlr.ret_val), false);
        return MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY;
    }
    int ret = MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY;
    mp_obj_t key_obj = ssl_psk_server_key(self->context, identity, len);
    mp_buffer_info_t key;
    // None or b'' (CPython's way to refuse): the identity is unknown.
    if (key_obj != mp_const_none && !(mp_get_buffer(key_obj, &key, MP_BUFFER_READ) && key.len == 0)) {
        ssl_psk_get_key(key_obj, &key, "the key server_psk_keys or the PSK server callback returns");
        ret = mbedtls_ssl_set_hs_psk(ssl, key.buf, key.len);
    } else {
        self->psk_refused = true;
    }
    nlr_pop();
    return ret;
}

// Mbed TLS fails a TLS 1.2 handshake on an unknown identity by saying so;
// a TLS 1.3 server goes on to a certificate handshake instead, which fails
// as a bare "handshake failure" when it has no certificate: say why.
int mpssl_psk_failure(mp_obj_ssl_socket_t *self, int ret) {
    return ret == MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE && self->psk_refused ? MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY : ret;
}

static void ssl_psk_server_install(mp_obj_ssl_context_t *context) {
    bool lookup = context->psk_server_callback != mp_const_none || context->server_psk_keys != mp_const_none;
    mbedtls_ssl_conf_psk_cb(&context->conf, lookup ? ssl_psk_server_lookup : NULL, NULL);
}

// ---- Python ------------------------------------------------------------------

static void ssl_psk_require_end(mp_obj_ssl_context_t *context, bool server) {
    if (ssl_psk_is_server(context) != server) {
        mp_raise_ValueError(server
            ? MP_ERROR_TEXT("server_psk_keys and set_psk_server_callback() are for server contexts; a client sets psk_identity and psk_key or set_psk_client_callback()")
            : MP_ERROR_TEXT("set_psk_client_callback() is for client contexts; a server sets server_psk_keys or set_psk_server_callback()"));
    }
}

static void ssl_psk_store(mp_obj_ssl_context_t *context, qstr attr, mp_obj_t value) {
    mp_buffer_info_t buf;
    if (attr == MP_QSTR_server_psk_keys) {
        ssl_psk_require_end(context, true);
        mp_obj_t get[2];
        mp_load_method_maybe(value, MP_QSTR_get, get);
        if (value != mp_const_none && get[0] == MP_OBJ_NULL) {
            mp_raise_TypeError(MP_ERROR_TEXT("server_psk_keys must have a get(identity) method, as a dict has"));
        }
        context->server_psk_keys = value;
        ssl_psk_server_install(context);
        return;
    }
    if (value != mp_const_none) {
        if (attr == MP_QSTR_psk_identity) {
            ssl_psk_get_identity(value, &buf);
        } else {
            ssl_psk_get_key(value, &buf, "psk_key");
        }
        // A copy: a bytearray changed later must not change the key.
        value = mp_obj_is_str(value) ? value : mp_obj_new_bytes(buf.buf, buf.len);
    }
    if (attr == MP_QSTR_psk_identity) {
        context->psk_identity = value;
    } else {
        context->psk_key = value;
    }
    ssl_psk_conf_from_attrs(context);
}

bool mpssl_psk_attr(mp_obj_ssl_context_t *context, qstr attr, mp_obj_t *dest) {
    mp_obj_t *field;
    switch (attr) {
        case MP_QSTR_psk_identity:
            field = &context->psk_identity;
            break;
        case MP_QSTR_psk_key:
            field = &context->psk_key;
            break;
        case MP_QSTR_server_psk_keys:
            field = &context->server_psk_keys;
            break;
        default:
            return false;
    }
    if (dest[0] == MP_OBJ_NULL) {
        dest[0] = *field;
        return true;
    }
    if (dest[1] == MP_OBJ_NULL) {
        return false; // no deleting
    }
    mpssl_context_check_idle(context);
    ssl_psk_store(context, attr, dest[1]);
    dest[0] = MP_OBJ_NULL;
    return true;
}

static mp_obj_t ssl_psk_set_client_callback(mp_obj_t self_in, mp_obj_t callback) {
    mp_obj_ssl_context_t *context = MP_OBJ_TO_PTR(self_in);
    mpssl_context_check_idle(context);
    ssl_psk_require_end(context, false);
    ssl_psk_check_callable(callback);
    context->psk_client_callback = callback;
    if (callback == mp_const_none) {
        ssl_psk_conf_from_attrs(context);
    }
    return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_2(mpssl_psk_set_client_callback_obj, ssl_psk_set_client_callback);

// CPython's identity_hint is refused rather than dropped: Mbed TLS 3.6
// sends no hint, and a client counting on one would fail further on.
static mp_obj_t ssl_psk_set_server_callback(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_callback, ARG_identity_hint };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_callback, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_identity_hint, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args - 1, pos_args + 1, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    mp_obj_ssl_context_t *context = MP_OBJ_TO_PTR(pos_args[0]);
    mpssl_context_check_idle(context);
    ssl_psk_require_end(context, true);
    ssl_psk_check_callable(args[ARG_callback].u_obj);
    if (args[ARG_identity_hint].u_obj != mp_const_none) {
        mp_raise_ValueError(MP_ERROR_TEXT("identity_hint is not supported: Mbed TLS sends no PSK identity hint; pass None"));
    }
    context->psk_server_callback = args[ARG_callback].u_obj;
    ssl_psk_server_install(context);
    return mp_const_none;
}
MP_DEFINE_CONST_FUN_OBJ_KW(mpssl_psk_set_server_callback_obj, 2, ssl_psk_set_server_callback);
