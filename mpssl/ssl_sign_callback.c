// SSLContext.ecdsa_sign_callback, with upstream MicroPython 1.25's
// contract: called as callback(key, hash) with the private scalar of the EC
// key load_cert_chain() loaded and the hash the handshake signs, it returns
// the DER signature, or None to let Mbed TLS sign. The key can so live in a
// secure element (an ATECC608, say): the loaded key names it, the callback
// has it sign.
//
// Upstream replaces Mbed TLS's ECDSA signing for the whole firmware and
// finds the SSLContext through a global "current context". Here the route
// is the key itself: the context's EC key gets a copy of Mbed TLS's EC key
// methods whose signing method is ours, and the mbedtls_pk_context Mbed TLS
// signs with is the context's own_key field, so the context is the
// structure around it. Mbed TLS signs with the configuration's key for
// TLS 1.2 and 1.3 clients (CertificateVerify) and servers
// (ServerKeyExchange, CertificateVerify) alike.
//
// What the callback raises is kept in the context and taken, once Mbed TLS
// has returned, by the connection that was signing: only one connection of
// a context is inside Mbed TLS at a time, unless a callback drives another
// one, which then returns first (ssl_socket.c).
#include <stddef.h>
#include <string.h>

#include "py/runtime.h"

#include "mbedtls/ecp.h"
#include "mbedtls/platform_util.h"
// The layout of Mbed TLS's key methods (mbedtls_pk_info_t), which its
// public headers leave opaque.
#include "../library/pk_wrap.h"

#include "mpssl.h"

// Mbed TLS's EC key methods, but for signing. Filled in once, on the first
// EC key loaded; only ever read afterwards.
static mbedtls_pk_info_t ssl_sign_eckey_info;

void mpssl_sign_context_init(mp_obj_ssl_context_t *context) {
    context->ecdsa_sign_callback = mp_const_none;
    context->sign_exc = MP_OBJ_NULL;
}

static mp_obj_ssl_context_t *ssl_sign_context_of(mbedtls_pk_context *pk) {
    return (mp_obj_ssl_context_t *)((char *)pk - offsetof(mp_obj_ssl_context_t, own_key));
}

// The signature the callback returned, checked: a buffer that fits and
// that verifies with the certificate's public key (a wrong key or a
// malformed signature is named here, rather than as the peer's alert).
static size_t ssl_sign_check(mp_obj_ssl_context_t *context, mp_obj_t result, mbedtls_md_type_t md_alg,
    const unsigned char *hash, size_t hash_len, unsigned char *sig, size_t sig_size) {
    mp_buffer_info_t der;
    if (mp_obj_is_str(result) || !mp_get_buffer(result, &der, MP_BUFFER_READ)) {
        mp_raise_TypeError(MP_ERROR_TEXT("ecdsa_sign_callback must return a DER signature (bytes), or None to sign with the loaded key"));
    }
    if (der.len > sig_size) {
        mp_raise_msg_varg(&mp_type_ValueError,
            MP_ERROR_TEXT("ecdsa_sign_callback returned %d bytes: more than a DER signature for this key (%d)"),
            (int)der.len, (int)sig_size);
    }
    if (mbedtls_pk_verify(&context->own_chain.pk, md_alg, hash, hash_len, der.buf, der.len) != 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("ecdsa_sign_callback returned a signature that does not verify with the certificate's public key (a DER SEQUENCE of r and s over the hash it was given)"));
    }
    memcpy(sig, der.buf, der.len);
    return der.len;
}

// Zeros the bytearray the key was handed over in (MP_OBJ_NULL: none yet).
static void ssl_sign_wipe(mp_obj_t key) {
    mp_buffer_info_t buf;
    if (key != MP_OBJ_NULL && mp_get_buffer(key, &buf, MP_BUFFER_WRITE)) {
        mbedtls_platform_zeroize(buf.buf, buf.len);
    }
}

// Mbed TLS's sign method for the context's EC key.
static int ssl_sign_with_callback(mbedtls_pk_context *pk, mbedtls_md_type_t md_alg,
    const unsigned char *hash, size_t hash_len, unsigned char *sig, size_t sig_size, size_t *sig_len,
    int (*f_rng)(void *, unsigned char *, size_t), void *p_rng) {
    mp_obj_ssl_context_t *context = ssl_sign_context_of(pk);
    if (context->ecdsa_sign_callback == mp_const_none) {
        return mbedtls_eckey_info.sign_func(pk, md_alg, hash, hash_len, sig, sig_size, sig_len, f_rng, p_rng);
    }
    unsigned char scalar[MBEDTLS_ECP_MAX_BYTES];
    size_t scalar_len;
    int ret = mbedtls_ecp_write_key_ext(mbedtls_pk_ec(*pk), &scalar_len, scalar, sizeof(scalar));
    if (ret != 0) {
        return ret;
    }
    // The key goes in a bytearray of ours, wiped once the callback returns
    // (the callback may keep its argument: it then holds zeros).
    volatile mp_obj_t key = MP_OBJ_NULL;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        key = mp_obj_new_bytearray(scalar_len, scalar);
        mbedtls_platform_zeroize(scalar, sizeof(scalar));
        mp_obj_t result = mp_call_function_2(context->ecdsa_sign_callback, key, mp_obj_new_bytes(hash, hash_len));
        ssl_sign_wipe(key);
        if (result == mp_const_none) {
            ret = mbedtls_eckey_info.sign_func(pk, md_alg, hash, hash_len, sig, sig_size, sig_len, f_rng, p_rng);
        } else {
            *sig_len = ssl_sign_check(context, result, md_alg, hash, hash_len, sig, sig_size);
        }
        nlr_pop();
        return ret;
    }
    mbedtls_platform_zeroize(scalar, sizeof(scalar));
    ssl_sign_wipe(key);
    // Raised by the connection once Mbed TLS has returned.
    if (context->sign_exc == MP_OBJ_NULL) {
        context->sign_exc = MP_OBJ_FROM_PTR(nlr.ret_val);
    }
    return MBEDTLS_ERR_PK_BAD_INPUT_DATA;
}

// load_cert_chain() loaded a key: an EC key signs through us.
void mpssl_sign_key_loaded(mp_obj_ssl_context_t *context) {
    if (mbedtls_pk_get_type(&context->own_key) != MBEDTLS_PK_ECKEY) {
        return;
    }
    if (ssl_sign_eckey_info.sign_func == NULL) {
        ssl_sign_eckey_info = mbedtls_eckey_info;
        ssl_sign_eckey_info.sign_func = ssl_sign_with_callback;
    }
    context->own_key.MBEDTLS_PRIVATE(pk_info) = &ssl_sign_eckey_info;
}

static void ssl_sign_take_from(mp_obj_ssl_socket_t *self, mp_obj_ssl_context_t *context) {
    if (context->sign_exc != MP_OBJ_NULL) {
        mpssl_socket_callback_raised(self, context->sign_exc, false);
        context->sign_exc = MP_OBJ_NULL;
    }
}

// The key that signed is its context's: the socket's own, or the one
// sni_callback switched it to.
void mpssl_sign_take_exception(mp_obj_ssl_socket_t *self) {
    ssl_sign_take_from(self, self->context);
    if (self->sni_context != mp_const_none) {
        ssl_sign_take_from(self, MP_OBJ_TO_PTR(self->sni_context));
    }
}

bool mpssl_sign_attr(mp_obj_ssl_context_t *context, qstr attr, mp_obj_t *dest) {
    if (attr != MP_QSTR_ecdsa_sign_callback) {
        return false;
    }
    if (dest[0] == MP_OBJ_NULL) {
        dest[0] = context->ecdsa_sign_callback;
        return true;
    }
    if (dest[1] == MP_OBJ_NULL) {
        return false; // no deleting
    }
    mpssl_context_check_idle(context);
    if (dest[1] != mp_const_none && !mp_obj_is_callable(dest[1])) {
        mp_raise_TypeError(MP_ERROR_TEXT("ecdsa_sign_callback must be callable, or None"));
    }
    context->ecdsa_sign_callback = dest[1];
    dest[0] = MP_OBJ_NULL;
    return true;
}
