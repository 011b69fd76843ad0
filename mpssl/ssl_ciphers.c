// Cipher suites by name. Mbed TLS spells them with dashes, and TLS 1.3's as
// "TLS1-3-..."; users and every other TLS stack use the IANA names, with
// underscores. Both spellings are accepted; IANA names are returned.
#include <string.h>

#include "py/runtime.h"

#include "mbedtls/ssl_ciphersuites.h"

#include "mpssl.h"

static const char ssl_tls13_prefix[] = "TLS1-3-";

// Writes the IANA name of an Mbed TLS suite name into out.
static void ssl_cipher_iana_name(const char *name, vstr_t *out) {
    size_t prefix_len = sizeof(ssl_tls13_prefix) - 1;
    if (strncmp(name, ssl_tls13_prefix, prefix_len) == 0) {
        vstr_add_str(out, "TLS_");
        name += prefix_len;
    }
    for (; *name != '\0'; ++name) {
        vstr_add_byte(out, *name == '-' ? '_' : *name);
    }
}

static mp_obj_t ssl_cipher_name_obj(int id) {
    vstr_t name;
    vstr_init(&name, 48);
    ssl_cipher_iana_name(mbedtls_ssl_get_ciphersuite_name(id), &name);
    return mp_obj_new_str_from_vstr(&name);
}

// The id of a suite this build supports, by either spelling; 0 if none.
static int ssl_cipher_lookup(const char *wanted) {
    vstr_t iana;
    vstr_init(&iana, 48);
    int found = 0;
    for (const int *id = mbedtls_ssl_list_ciphersuites(); *id != 0 && found == 0; ++id) {
        const char *name = mbedtls_ssl_get_ciphersuite_name(*id);
        vstr_reset(&iana);
        ssl_cipher_iana_name(name, &iana);
        if (strcmp(wanted, name) == 0 || strcmp(wanted, vstr_null_terminated_str(&iana)) == 0) {
            found = *id;
        }
    }
    vstr_clear(&iana);
    return found;
}

static const int *ssl_cipher_ids(mp_obj_ssl_context_t *self) {
    return self->ciphersuites != NULL ? self->ciphersuites : mbedtls_ssl_list_ciphersuites();
}

mp_obj_t mpssl_ciphers_list(mp_obj_ssl_context_t *self) {
    mp_obj_t list = mp_obj_new_list(0, NULL);
    for (const int *id = ssl_cipher_ids(self); *id != 0; ++id) {
        mp_obj_list_append(list, ssl_cipher_name_obj(*id));
    }
    return list;
}

// Whether the zero-terminated list ids holds id.
static bool ssl_cipher_listed(const int *ids, int id) {
    for (; *ids != 0; ++ids) {
        if (*ids == id) {
            return true;
        }
    }
    return false;
}

// TLS 1.3 suites have ids 0x13xx; all others here are TLS 1.2's.
static bool ssl_cipher_is_tls13(int id) {
    return (id >> 8) == 0x13;
}

void mpssl_ciphers_set(mp_obj_ssl_context_t *self, mp_obj_t names) {
    if (!mp_obj_is_type(names, &mp_type_list)) {
        mp_raise_ValueError(MP_ERROR_TEXT("set_ciphers expects a list of cipher suite names"));
    }
    size_t count;
    mp_obj_t *items;
    mp_obj_get_array(names, &count, &items);
    if (count == 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("set_ciphers expects at least one cipher suite"));
    }
    int *ids = m_new(int, count + 1);
    size_t listed = 0;
    ids[0] = 0;
    bool tls12 = false;
    bool tls13 = false;
    for (size_t i = 0; i < count; ++i) {
        if (!mp_obj_is_str(items[i])) {
            mp_raise_ValueError(MP_ERROR_TEXT("cipher suite names must be str"));
        }
        const char *name = mpssl_str_get_cstr(items[i], "a cipher suite name");
        int id = ssl_cipher_lookup(name);
        if (id == 0) {
            mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("unknown cipher suite: %s"), name);
        }
        tls13 |= ssl_cipher_is_tls13(id);
        tls12 |= !ssl_cipher_is_tls13(id);
        // A suite named again is listed once: repeats add nothing, and
        // a few thousand would not fit in the ClientHello.
        if (!ssl_cipher_listed(ids, id)) {
            ids[listed++] = id;
            ids[listed] = 0;
        }
    }
    // Only now, with every name valid, does the context change.
    self->ciphersuites = ids;
    mbedtls_ssl_conf_ciphersuites(&self->conf, ids);
    // A list of one version's suites limits the handshake to that version.
    mbedtls_ssl_conf_min_tls_version(&self->conf, tls12 ? MBEDTLS_SSL_VERSION_TLS1_2 : MBEDTLS_SSL_VERSION_TLS1_3);
    mbedtls_ssl_conf_max_tls_version(&self->conf, tls13 ? MBEDTLS_SSL_VERSION_TLS1_3 : MBEDTLS_SSL_VERSION_TLS1_2);
}

// Whether the context would negotiate suite id in TLS version version
// (a session saved before set_ciphers() changed the list may not).
bool mpssl_ciphers_usable(mp_obj_ssl_context_t *self, int id, int version) {
    const mbedtls_ssl_config *conf = &self->conf;
    if (version < (int)conf->MBEDTLS_PRIVATE(min_tls_version) || version > (int)conf->MBEDTLS_PRIVATE(max_tls_version)) {
        return false;
    }
    return ssl_cipher_listed(ssl_cipher_ids(self), id);
}

// CPython's SSLSocket.cipher(): (name, protocol version, secret bits).
mp_obj_t mpssl_cipher_info(const mbedtls_ssl_context *ssl) {
    int id = mbedtls_ssl_get_ciphersuite_id_from_ssl(ssl);
    const mbedtls_ssl_ciphersuite_t *info = mbedtls_ssl_ciphersuite_from_id(id);
    if (info == NULL) {
        return mp_const_none;
    }
    mp_obj_t items[3] = {
        ssl_cipher_name_obj(id),
        mp_obj_new_str_from_cstr(mbedtls_ssl_get_version(ssl)),
        MP_OBJ_NEW_SMALL_INT(mbedtls_ssl_ciphersuite_get_cipher_key_bitlen(info)),
    };
    return mp_obj_new_tuple(3, items);
}
