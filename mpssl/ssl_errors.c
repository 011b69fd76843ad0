// The error funnel: every Mbed TLS failure becomes a Python exception here,
// with the code and a message that names the cause in words.
#include <string.h>

#include "py/runtime.h"
#include "py/mperrno.h"
#include "py/objexcept.h"
#include "py/objtuple.h"

#include "mbedtls/error.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/bignum.h"
#include "mbedtls/ecp.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509.h"
#include "mbedtls/cipher.h"
#include "mbedtls/md.h"
#include "mbedtls/pem.h"
#include "mbedtls/entropy.h"

#include "mpssl.h"

typedef struct _code_text_t {
    int code;
    const char *text;
} code_text_t;

// The failures a user meets, in the user's words. Anything else falls back
// to Mbed TLS's own description.
static const code_text_t mpssl_error_texts[] = {
    { MBEDTLS_ERR_SSL_CONN_EOF, "connection closed by peer during handshake" },
    { MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, "peer sent a fatal alert (it rejected the handshake)" },
    { MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE, "peer did not send the certificate this end requires" },
    { MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE, "handshake failure: no protocol version, cipher or curve in common" },
    { MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION, "peer offered no protocol version we accept (TLS 1.2 is the minimum)" },
    { MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED, "Hello Verify Required" },
    { MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED, "verification needs CA certificates: call load_verify_locations()" },
    { MBEDTLS_ERR_SSL_INVALID_RECORD, "peer sent a malformed or oversized record" },
    { MBEDTLS_ERR_SSL_DECODE_ERROR, "peer sent a malformed handshake message" },
    { MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE, "peer sent an unexpected message" },
    { MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER, "peer sent a message with a value the protocol forbids" },
    // Mbed TLS encrypts a TLS 1.3 handshake alert under keys its peer has
    // already left behind, so a rejection by the peer often arrives as this.
    { MBEDTLS_ERR_SSL_INVALID_MAC, "record failed its integrity check (in a TLS 1.3 handshake: usually the peer's alert, it rejected the handshake)" },
    { MBEDTLS_ERR_SSL_BAD_CONFIG, "invalid TLS configuration" },
    { MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED, "this end needs a certificate and key: call load_cert_chain()" },
    { MBEDTLS_ERR_SSL_UNEXPECTED_RECORD, "peer sent a record out of sequence" },
    { MBEDTLS_ERR_SSL_BAD_CERTIFICATE, "peer's certificate is not acceptable" },
    { MBEDTLS_ERR_SSL_NO_APPLICATION_PROTOCOL, "no ALPN protocol in common with the peer: see set_alpn_protocols()" },
    { MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME, "sni_callback refused the name the client asked for (the client was sent unrecognized_name)" },
    { MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY, "peer's PSK identity is unknown here (server_psk_keys or the PSK server callback had no key for it)" },
    { MBEDTLS_ERR_ENTROPY_SOURCE_FAILED, "no entropy source: the random generator cannot be seeded" },
};

// Why a certificate failed verification, one phrase per Mbed TLS flag, with
// the OpenSSL X509_V_ERR_* number CPython reports as verify_code for it.
typedef struct _verify_text_t {
    uint32_t flag;
    uint8_t openssl_code;
    const char *text;
} verify_text_t;

static const verify_text_t mpssl_verify_texts[] = {
    { MBEDTLS_X509_BADCERT_EXPIRED, 10, "certificate has expired" },
    { MBEDTLS_X509_BADCERT_FUTURE, 9, "certificate is not yet valid" },
    { MBEDTLS_X509_BADCERT_CN_MISMATCH, 62, "hostname mismatch" },
    { MBEDTLS_X509_BADCERT_NOT_TRUSTED, 20, "unknown CA" },
    { MBEDTLS_X509_BADCERT_REVOKED, 23, "certificate revoked" },
    { MBEDTLS_X509_BADCERT_MISSING, 1, "no certificate" },
    { MBEDTLS_X509_BADCERT_SKIP_VERIFY, 1, "verification skipped" },
    { MBEDTLS_X509_BADCERT_KEY_USAGE, 26, "key usage does not allow this purpose" },
    { MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, 26, "extended key usage does not allow this purpose" },
    { MBEDTLS_X509_BADCERT_NS_CERT_TYPE, 26, "certificate type does not allow this purpose" },
    { MBEDTLS_X509_BADCERT_BAD_MD, 68, "signed with an insecure hash" },
    { MBEDTLS_X509_BADCERT_BAD_PK, 1, "unsupported public key algorithm" },
    { MBEDTLS_X509_BADCERT_BAD_KEY, 66, "key too short or curve not allowed" },
    { MBEDTLS_X509_BADCERT_OTHER, 28, "rejected by verify_callback" },
};

// The start of every verification failure's message; the reasons follow.
static const char mpssl_verify_prefix[] = "certificate verify failed";

// ssl.SSLError: every TLS failure (a plain OSError is the wrapped stream's
// errno, a timeout, a closed socket or out of memory). A subclass of
// OSError, so `except OSError` written for MicroPython still catches it;
// args stay (Mbed TLS error code, message).
MP_DEFINE_CONST_OBJ_TYPE(
    mpssl_ssl_error_type,
    MP_QSTR_SSLError,
    MP_TYPE_FLAG_NONE,
    make_new, mp_obj_exception_make_new,
    print, mp_obj_exception_print,
    attr, mp_obj_exception_attr,
    parent, &mp_type_OSError
    );

// verify_code and verify_message, read back from the message that
// mpssl_describe_verify_flags() wrote (an exception has no room of its own
// for them): the first reason's OpenSSL number, and the reasons. None for
// an instance made by hand.
static mp_obj_t mpssl_verify_attr(mp_obj_t self_in, qstr attr) {
    mp_obj_exception_t *self = MP_OBJ_TO_PTR(self_in);
    const size_t prefix_len = sizeof(mpssl_verify_prefix) - 1;
    if (self->args->len < 2 || !mp_obj_is_str(self->args->items[1])) {
        return mp_const_none;
    }
    size_t len;
    const char *text = mp_obj_str_get_data(self->args->items[1], &len);
    if (len < prefix_len + 2 || strncmp(text, mpssl_verify_prefix, prefix_len) != 0) {
        return mp_const_none;
    }
    text += prefix_len + 2; // ": "
    len -= prefix_len + 2;
    if (attr == MP_QSTR_verify_message) {
        return mp_obj_new_str(text, len);
    }
    for (size_t i = 0; i < MP_ARRAY_SIZE(mpssl_verify_texts); ++i) {
        size_t n = strlen(mpssl_verify_texts[i].text);
        if (n <= len && strncmp(text, mpssl_verify_texts[i].text, n) == 0) {
            return MP_OBJ_NEW_SMALL_INT(mpssl_verify_texts[i].openssl_code);
        }
    }
    return mp_const_none;
}

static void mpssl_cert_error_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] == MP_OBJ_NULL && (attr == MP_QSTR_verify_code || attr == MP_QSTR_verify_message)) {
        dest[0] = mpssl_verify_attr(self_in, attr);
        return;
    }
    mp_obj_exception_attr(self_in, attr, dest);
}

// As in CPython, a verification failure is also a ValueError.
#if MICROPY_MULTIPLE_INHERITANCE
static const mp_rom_obj_tuple_t mpssl_cert_error_parents = {
    { &mp_type_tuple }, 2, { MP_ROM_PTR(&mpssl_ssl_error_type), MP_ROM_PTR(&mp_type_ValueError) }
};
#define MPSSL_CERT_ERROR_PARENT (&mpssl_cert_error_parents)
#else
#define MPSSL_CERT_ERROR_PARENT (&mpssl_ssl_error_type)
#endif

MP_DEFINE_CONST_OBJ_TYPE(
    mpssl_cert_verification_error_type,
    MP_QSTR_SSLCertVerificationError,
    MP_TYPE_FLAG_NONE,
    make_new, mp_obj_exception_make_new,
    print, mp_obj_exception_print,
    attr, mpssl_cert_error_attr,
    parent, MPSSL_CERT_ERROR_PARENT
    );

static bool mpssl_error_is_memory(int ret) {
    return ret == MBEDTLS_ERR_SSL_ALLOC_FAILED || ret == MBEDTLS_ERR_MPI_ALLOC_FAILED
           || ret == MBEDTLS_ERR_ECP_ALLOC_FAILED || ret == MBEDTLS_ERR_PK_ALLOC_FAILED
           || ret == MBEDTLS_ERR_X509_ALLOC_FAILED || ret == MBEDTLS_ERR_CIPHER_ALLOC_FAILED
           || ret == MBEDTLS_ERR_MD_ALLOC_FAILED || ret == MBEDTLS_ERR_PEM_ALLOC_FAILED
           || ret == MBEDTLS_ERR_ASN1_ALLOC_FAILED;
}

NORETURN static void mpssl_raise_typed(const mp_obj_type_t *type, int code, vstr_t *message) {
    mp_obj_t args[2] = { MP_OBJ_NEW_SMALL_INT(code), mp_obj_new_str_from_vstr(message) };
    nlr_raise(mp_obj_exception_make_new(type, 2, 0, args));
}

NORETURN static void mpssl_raise_oserror(int code, vstr_t *message) {
    mpssl_raise_typed(&mp_type_OSError, code, message);
}

NORETURN static void mpssl_raise_ssl_error(int code, vstr_t *message) {
    mpssl_raise_typed(&mpssl_ssl_error_type, code, message);
}

static void mpssl_describe_verify_flags(vstr_t *message, uint32_t flags) {
    vstr_add_str(message, mpssl_verify_prefix);
    const char *separator = ": ";
    for (size_t i = 0; i < MP_ARRAY_SIZE(mpssl_verify_texts); ++i) {
        if (flags & mpssl_verify_texts[i].flag) {
            vstr_add_str(message, separator);
            vstr_add_str(message, mpssl_verify_texts[i].text);
            separator = ", ";
        }
    }
}

static void mpssl_describe_error(vstr_t *message, int ret) {
    for (size_t i = 0; i < MP_ARRAY_SIZE(mpssl_error_texts); ++i) {
        if (mpssl_error_texts[i].code == ret) {
            vstr_add_str(message, mpssl_error_texts[i].text);
            return;
        }
    }
    #if defined(MBEDTLS_ERROR_C)
    char text[96];
    mbedtls_strerror(ret, text, sizeof(text));
    vstr_add_str(message, text);
    #else
    vstr_printf(message, "TLS error -0x%04x", (unsigned)-ret);
    #endif
}

// Out of memory, with what to do about it.
NORETURN static void mpssl_raise_out_of_memory(void) {
    mpssl_raise_oserror_msg(MP_ENOMEM,
        "out of memory for TLS: free heap (close other connections, drop large objects) and try again");
}

NORETURN void mpssl_raise(int ret, uint32_t verify_flags) {
    if (mpssl_error_is_memory(ret)) {
        mpssl_raise_out_of_memory();
    }
    vstr_t message;
    vstr_init(&message, 64);
    // A verification failure reports every reason; flags of all ones mean
    // the verify callback itself failed, which is not a reason to list.
    if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED
        || (verify_flags != 0 && verify_flags != (uint32_t)-1
            && (ret == MBEDTLS_ERR_X509_FATAL_ERROR || ret == MBEDTLS_ERR_SSL_BAD_CERTIFICATE))) {
        mpssl_describe_verify_flags(&message, verify_flags);
        mpssl_raise_typed(&mpssl_cert_verification_error_type, MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, &message);
    }
    if (ret == MBEDTLS_ERR_SSL_TIMEOUT) {
        vstr_add_str(&message, "DTLS handshake timed out");
        mpssl_raise_oserror(MP_ETIMEDOUT, &message);
    }
    mpssl_describe_error(&message, ret);
    mpssl_raise_ssl_error(ret, &message);
}

NORETURN static void mpssl_raise_typed_msg(const mp_obj_type_t *type, int code, const char *text) {
    vstr_t message;
    vstr_init(&message, strlen(text) + 1);
    vstr_add_str(&message, text);
    mpssl_raise_typed(type, code, &message);
}

NORETURN void mpssl_raise_oserror_msg(int code, const char *text) {
    mpssl_raise_typed_msg(&mp_type_OSError, code, text);
}

NORETURN void mpssl_raise_ssl_error_msg(int code, const char *text) {
    mpssl_raise_typed_msg(&mpssl_ssl_error_type, code, text);
}

NORETURN void mpssl_raise_closed(void) {
    mpssl_raise_oserror_msg(MP_EBADF, "the SSLSocket is closed: wrap a new socket to talk again");
}

// Bad data and a failed allocation look alike to the parsers.
void mpssl_raise_if_out_of_memory(void) {
    if (mpssl_alloc_watch_failed()) {
        mpssl_raise_out_of_memory();
    }
}

// What to check when the wrapped stream failed with errno err.
static const char *mpssl_stream_hint(int err) {
    switch (err) {
        case MP_ENOTCONN:
        case MP_EPIPE:
            return "is it connected? connect() the socket before wrap_socket()";
        case MP_ECONNRESET:
            return "the peer reset the connection";
        case MP_ECONNREFUSED:
            return "nothing answers at the peer's address: is the server running?";
        case MP_EBADF:
            return "it was closed: close the SSLSocket, not the socket it wraps";
        case MP_ENOMEM:
            return "out of memory: free heap and try again";
        case MP_EIO:
            return "the wrapped stream failed or raised an exception";
        default:
            return "see the errno";
    }
}

// The wrapped stream failed: its own errno is the truth (OSError prints its
// name), with a message.
NORETURN static void mpssl_raise_stream_error(mp_obj_ssl_socket_t *self) {
    int err = self->sock_errno;
    vstr_t message;
    vstr_init(&message, 96);
    vstr_printf(&message, "the socket under TLS failed to %s: %s",
        self->error == MBEDTLS_ERR_NET_RECV_FAILED ? "receive" : "send", mpssl_stream_hint(err));
    mpssl_raise_oserror(err, &message);
}

bool mpssl_is_exception(mp_obj_t exc) {
    return mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(exc)), MP_OBJ_FROM_PTR(&mp_type_Exception));
}

// A callback raised exc inside Mbed TLS. One from verify_callback that is
// an Exception becomes the verification failure, naming it, with the
// original as its third argument (MicroPython has no __cause__); anything
// else is raised as it was.
NORETURN static void mpssl_raise_callback_error(mp_obj_ssl_socket_t *self, mp_obj_t exc) {
    if (!mpssl_is_exception(exc)) {
        // KeyboardInterrupt, SystemExit, GeneratorExit: raised once, as
        // they were; the connection's own error stands after that.
        self->callback_exc = MP_OBJ_NULL;
        nlr_raise(exc);
    }
    if (!self->callback_exc_verify) {
        nlr_raise(exc);
    }
    vstr_t message;
    mp_print_t print;
    vstr_init_print(&message, 96, &print);
    mpssl_describe_verify_flags(&message, self->verify_flags | MBEDTLS_X509_BADCERT_OTHER);
    mp_print_str(&print, ": ");
    mp_obj_print_helper(&print, exc, PRINT_REPR);
    mp_obj_t args[3] = {
        MP_OBJ_NEW_SMALL_INT(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED), mp_obj_new_str_from_vstr(&message), exc
    };
    nlr_raise(mp_obj_exception_make_new(&mpssl_cert_verification_error_type, 3, 0, args));
}

NORETURN void mpssl_raise_socket_error(mp_obj_ssl_socket_t *self) {
    if (self->callback_exc != MP_OBJ_NULL) {
        mpssl_raise_callback_error(self, self->callback_exc);
    }
    if (self->error == MBEDTLS_ERR_NET_RECV_FAILED || self->error == MBEDTLS_ERR_NET_SEND_FAILED) {
        mpssl_raise_stream_error(self);
    }
    if (self->error == MBEDTLS_ERR_SSL_CONN_EOF && (self->context->protocol & MPSSL_PROTOCOL_SERVER)
        && self->ssl.MBEDTLS_PRIVATE(state) <= MBEDTLS_SSL_CLIENT_HELLO) {
        // A client that gave up, or a server: two servers wait for each
        // other's ClientHello until one leaves.
        mpssl_raise_ssl_error_msg(MBEDTLS_ERR_SSL_CONN_EOF,
            "connection closed by peer during handshake, before its ClientHello: if this end should be the client, use a PROTOCOL_TLS_CLIENT context");
    }
    mpssl_raise(self->error, self->verify_flags);
}
