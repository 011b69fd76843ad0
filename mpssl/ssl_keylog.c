// SSLContext.keylog_filename: every handshake's secrets appended to a file
// in the NSS key log format, which Wireshark reads to decrypt a capture
// (TLS 1.2: CLIENT_RANDOM and the master secret; TLS 1.3: the four traffic
// secrets). Anyone who reads the file can decrypt those connections.
#include <string.h>

#include "py/runtime.h"
#include "py/stream.h"
#include "py/builtin.h"

#include "mbedtls/platform_util.h"

#include "mpssl.h"

// The NSS label of each secret Mbed TLS exports; NULL: not written.
static const char *ssl_keylog_label(mbedtls_ssl_key_export_type type) {
    switch (type) {
        case MBEDTLS_SSL_KEY_EXPORT_TLS12_MASTER_SECRET:
            return "CLIENT_RANDOM";
        #if defined(MBEDTLS_SSL_PROTO_TLS1_3)
        case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_EARLY_SECRET:
            return "CLIENT_EARLY_TRAFFIC_SECRET";
        case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_HANDSHAKE_TRAFFIC_SECRET:
            return "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
        case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_HANDSHAKE_TRAFFIC_SECRET:
            return "SERVER_HANDSHAKE_TRAFFIC_SECRET";
        case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_APPLICATION_TRAFFIC_SECRET:
            return "CLIENT_TRAFFIC_SECRET_0";
        case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_APPLICATION_TRAFFIC_SECRET:
            return "SERVER_TRAFFIC_SECRET_0";
        #endif
        default:
            return NULL;
    }
}

// Opens the file for appending through MicroPython's open(), so any port's
// filesystem works.
static mp_obj_t ssl_keylog_open(mp_obj_t filename) {
    mp_obj_t args[2] = { filename, MP_OBJ_NEW_QSTR(MP_QSTR_ab) };
    return mp_builtin_open(2, args, (mp_map_t *)&mp_const_empty_map);
}

// As CPython, the file must open for appending when the name is set.
void mpssl_keylog_check(mp_obj_t filename) {
    if (filename == mp_const_none) {
        return;
    }
    mpssl_str_get_cstr(filename, "keylog_filename");
    mp_stream_close(ssl_keylog_open(filename));
}

static void ssl_keylog_hex(vstr_t *line, const unsigned char *data, size_t len) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; ++i) {
        vstr_add_byte(line, digits[data[i] >> 4]);
        vstr_add_byte(line, digits[data[i] & 0xf]);
    }
}

// Through the stream protocol, not a write() method handed a bytearray over
// the line: a file of a filesystem written in Python could keep that object,
// and with it a view of this stack frame (io.IOBase streams get a copy they
// own: patches/micropython/0002).
static void ssl_keylog_write(mp_obj_t filename, vstr_t *line) {
    mp_obj_t file = ssl_keylog_open(filename);
    mp_stream_write(file, line->buf, line->len, MP_STREAM_RW_WRITE);
    mp_stream_close(file);
}

// Mbed TLS's key export callback, inside the handshake: a Python re-entry
// point. What open() or write() raises fails the handshake and is raised
// once Mbed TLS has returned. The line holds a secret: wiped after use.
static void ssl_keylog_export(void *arg, mbedtls_ssl_key_export_type type, const unsigned char *secret,
    size_t secret_len, const unsigned char client_random[32], const unsigned char server_random[32],
    mbedtls_tls_prf_types tls_prf_type) {
    (void)server_random;
    (void)tls_prf_type;
    mp_obj_ssl_socket_t *self = arg;
    mp_obj_t filename = self->context->keylog_filename;
    const char *label = ssl_keylog_label(type);
    if (filename == mp_const_none || label == NULL || self->callback_exc != MP_OBJ_NULL) {
        return;
    }
    char buf[40 + 64 + 2 * MBEDTLS_MD_MAX_SIZE];
    vstr_t line;
    vstr_init_fixed_buf(&line, sizeof(buf), buf);
    vstr_add_str(&line, label);
    vstr_add_byte(&line, ' ');
    ssl_keylog_hex(&line, client_random, 32);
    vstr_add_byte(&line, ' ');
    ssl_keylog_hex(&line, secret, MIN(secret_len, MBEDTLS_MD_MAX_SIZE));
    vstr_add_byte(&line, '\n');
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        ssl_keylog_write(filename, &line);
        nlr_pop();
    } else {
        mpssl_socket_callback_raised(self, MP_OBJ_FROM_PTR(nlr.ret_val), false);
    }
    mbedtls_platform_zeroize(buf, sizeof(buf));
}

void mpssl_keylog_attach(mp_obj_ssl_socket_t *self) {
    mbedtls_ssl_set_export_keys_cb(&self->ssl, ssl_keylog_export, self);
}
