// The error funnel: every Mbed TLS failure becomes a Python exception here,
// with the code and a message that names the cause in words.
#include <string.h>

#include "py/runtime.h"
#include "py/mperrno.h"

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
    // Mbed TLS encrypts a TLS 1.3 handshake alert under keys its peer has
    // already left behind, so a rejection by the peer often arrives as this.
    { MBEDTLS_ERR_SSL_INVALID_MAC, "record failed its integrity check (in a TLS 1.3 handshake: usually the peer's alert, it rejected the handshake)" },
    { MBEDTLS_ERR_SSL_BAD_CONFIG, "invalid TLS configuration" },
    { MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED, "this end needs a certificate and key: call load_cert_chain()" },
    { MBEDTLS_ERR_SSL_UNEXPECTED_RECORD, "peer sent a record out of sequence" },
    { MBEDTLS_ERR_SSL_BAD_CERTIFICATE, "peer's certificate is not acceptable" },
    { MBEDTLS_ERR_ENTROPY_SOURCE_FAILED, "no entropy source: the random generator cannot be seeded" },
};

// Why a certificate failed verification, one phrase per Mbed TLS flag.
static const code_text_t mpssl_verify_texts[] = {
    { MBEDTLS_X509_BADCERT_EXPIRED, "certificate has expired" },
    { MBEDTLS_X509_BADCERT_FUTURE, "certificate is not yet valid" },
    { MBEDTLS_X509_BADCERT_CN_MISMATCH, "hostname mismatch" },
    { MBEDTLS_X509_BADCERT_NOT_TRUSTED, "unknown CA" },
    { MBEDTLS_X509_BADCERT_REVOKED, "certificate revoked" },
    { MBEDTLS_X509_BADCERT_MISSING, "no certificate" },
    { MBEDTLS_X509_BADCERT_SKIP_VERIFY, "verification skipped" },
    { MBEDTLS_X509_BADCERT_KEY_USAGE, "key usage does not allow this purpose" },
    { MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, "extended key usage does not allow this purpose" },
    { MBEDTLS_X509_BADCERT_NS_CERT_TYPE, "certificate type does not allow this purpose" },
    { MBEDTLS_X509_BADCERT_BAD_MD, "signed with an insecure hash" },
    { MBEDTLS_X509_BADCERT_BAD_PK, "unsupported public key algorithm" },
    { MBEDTLS_X509_BADCERT_BAD_KEY, "key too short or curve not allowed" },
    { MBEDTLS_X509_BADCERT_OTHER, "rejected by verify_callback" },
};

static bool mpssl_error_is_memory(int ret) {
    return ret == MBEDTLS_ERR_SSL_ALLOC_FAILED || ret == MBEDTLS_ERR_MPI_ALLOC_FAILED
           || ret == MBEDTLS_ERR_ECP_ALLOC_FAILED || ret == MBEDTLS_ERR_PK_ALLOC_FAILED
           || ret == MBEDTLS_ERR_X509_ALLOC_FAILED || ret == MBEDTLS_ERR_CIPHER_ALLOC_FAILED
           || ret == MBEDTLS_ERR_MD_ALLOC_FAILED || ret == MBEDTLS_ERR_PEM_ALLOC_FAILED
           || ret == MBEDTLS_ERR_ASN1_ALLOC_FAILED;
}

NORETURN static void mpssl_raise_oserror(int code, vstr_t *message) {
    mp_obj_t args[2] = { MP_OBJ_NEW_SMALL_INT(code), mp_obj_new_str_from_vstr(message) };
    nlr_raise(mp_obj_exception_make_new(&mp_type_OSError, 2, 0, args));
}

static void mpssl_describe_verify_flags(vstr_t *message, uint32_t flags) {
    vstr_add_str(message, "certificate verify failed");
    const char *separator = ": ";
    for (size_t i = 0; i < MP_ARRAY_SIZE(mpssl_verify_texts); ++i) {
        if (flags & (uint32_t)mpssl_verify_texts[i].code) {
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

NORETURN void mpssl_raise(int ret, uint32_t verify_flags) {
    if (mpssl_error_is_memory(ret)) {
        mp_raise_OSError(MP_ENOMEM);
    }
    vstr_t message;
    vstr_init(&message, 64);
    // A verification failure reports every reason; flags of all ones mean
    // the verify callback itself failed, which is not a reason to list.
    if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED
        || (verify_flags != 0 && verify_flags != (uint32_t)-1
            && (ret == MBEDTLS_ERR_X509_FATAL_ERROR || ret == MBEDTLS_ERR_SSL_BAD_CERTIFICATE))) {
        mpssl_describe_verify_flags(&message, verify_flags);
        mpssl_raise_oserror(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, &message);
    }
    if (ret == MBEDTLS_ERR_SSL_TIMEOUT) {
        vstr_add_str(&message, "DTLS handshake timed out");
        mpssl_raise_oserror(MP_ETIMEDOUT, &message);
    }
    mpssl_describe_error(&message, ret);
    mpssl_raise_oserror(ret, &message);
}

// Bad data and a failed allocation look alike to the parsers.
void mpssl_raise_if_out_of_memory(void) {
    if (mpssl_alloc_watch_failed()) {
        mp_raise_OSError(MP_ENOMEM);
    }
}

NORETURN void mpssl_raise_socket_error(mp_obj_ssl_socket_t *self) {
    if (self->error == MBEDTLS_ERR_NET_RECV_FAILED || self->error == MBEDTLS_ERR_NET_SEND_FAILED) {
        // The wrapped stream failed: its own errno is the truth.
        mp_raise_OSError(self->sock_errno);
    }
    mpssl_raise(self->error, self->verify_flags);
}
