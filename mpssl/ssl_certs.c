// Certificates and keys: loading them from a path or from bytes, in PEM or
// DER, and describing a peer certificate the way CPython's getpeercert() does.
#include <string.h>
#include <stdio.h>

#include "py/runtime.h"
#include "py/builtin.h"
#include "py/mperrno.h"
#include "py/unicode.h"

#include "mbedtls/asn1.h"
#include "mbedtls/oid.h"
#include "mbedtls/platform_util.h"

#include "mpssl.h"

// Certificate or key material, copied so that PEM text ends in the NUL that
// Mbed TLS requires and so that key bytes can be wiped after parsing.
typedef struct _ssl_material_t {
    byte *buf;
    size_t len;     // what Mbed TLS is given: PEM includes the NUL
    bool pem;
} ssl_material_t;

// open() of a certificate or key file failed: its errno, naming the file.
NORETURN static void ssl_raise_open_error(mp_obj_t exc, const char *what, mp_obj_t path) {
    mp_obj_t code = mp_obj_exception_get_value(exc);
    if (!mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(exc)), MP_OBJ_FROM_PTR(&mp_type_OSError))
        || !mp_obj_is_small_int(code)) {
        nlr_raise(exc);
    }
    vstr_t message;
    mp_print_t print;
    vstr_init_print(&message, 64, &print);
    size_t len;
    const char *name = mp_obj_str_get_data(path, &len);
    mp_printf(&print, "cannot open %s '%.*s%s'", what, (int)MIN(len, 60), name, len > 60 ? "..." : "");
    #if MICROPY_PY_ERRNO
    qstr errno_name = mp_errno_to_str(code);
    if (errno_name != MP_QSTRnull) {
        mp_printf(&print, " (%q)", errno_name);
    }
    #endif
    mp_print_str(&print, ": a str is a file path; pass the data itself as bytes");
    mp_obj_t args[2] = { code, mp_obj_new_str_from_vstr(&message) };
    nlr_raise(mp_obj_exception_make_new(&mp_type_OSError, 2, 0, args));
}

// Opens a file through MicroPython's own open(), so any port's filesystem works.
mp_obj_t mpssl_open_file(mp_obj_t path, const char *what) {
    mp_obj_t args[2] = { path, MP_OBJ_NEW_QSTR(MP_QSTR_rb) };
    mpssl_str_get_cstr(path, what);
    nlr_buf_t nlr;
    if (nlr_push(&nlr) != 0) {
        ssl_raise_open_error(MP_OBJ_FROM_PTR(nlr.ret_val), what, path);
    }
    mp_obj_t file = mp_builtin_open(2, args, (mp_map_t *)&mp_const_empty_map);
    nlr_pop();
    return file;
}

static mp_obj_t ssl_read_file(mp_obj_t path, const char *what) {
    mp_obj_t file = mpssl_open_file(path, what);
    mp_obj_t dest[2];
    mp_load_method(file, MP_QSTR_read, dest);
    mp_obj_t data = mp_call_method_n_kw(0, 0, dest);
    mp_stream_close(file);
    return data;
}

static bool ssl_is_pem(const byte *data, size_t len) {
    static const char marker[] = "-----BEGIN ";
    const size_t marker_len = sizeof(marker) - 1;
    for (size_t i = 0; i + marker_len <= len; ++i) {
        if (memcmp(data + i, marker, marker_len) == 0) {
            return true;
        }
    }
    return false;
}

// Fetches material from a path (str) or the data itself (bytes-like); a
// str is PEM text instead when str_is_text (cadata, as in CPython).
static void ssl_material_get(ssl_material_t *material, mp_obj_t source, const char *what, bool str_is_text) {
    if (mp_obj_is_str(source) && !str_is_text) {
        source = ssl_read_file(source, what);
    } else if (!mp_obj_is_str(source) && !mp_obj_is_type(source, &mp_type_bytes)
               && !mp_obj_is_type(source, &mp_type_bytearray) && !mp_obj_is_type(source, &mp_type_memoryview)) {
        mp_raise_msg_varg(&mp_type_TypeError, MP_ERROR_TEXT("%s must be a path (str) or data (bytes)"), what);
    }
    mp_buffer_info_t data;
    mp_get_buffer_raise(source, &data, MP_BUFFER_READ);
    material->pem = ssl_is_pem(data.buf, data.len);
    material->len = data.len + (material->pem ? 1 : 0);
    material->buf = m_new(byte, material->len + 1);
    memcpy(material->buf, data.buf, data.len);
    material->buf[data.len] = '\0';
}

static void ssl_material_wipe(ssl_material_t *material) {
    mbedtls_platform_zeroize(material->buf, material->len);
    m_del(byte, material->buf, material->len + 1);
    material->buf = NULL;
}

// Parses every certificate in the material: several PEM blocks, or DER
// certificates back to back. 0 on success.
static int ssl_parse_certs(mbedtls_x509_crt *chain, const ssl_material_t *material) {
    if (material->pem) {
        // A positive result counts certificates that failed to parse.
        return mbedtls_x509_crt_parse(chain, material->buf, material->len) == 0 ? 0 : -1;
    }
    const byte *p = material->buf;
    const byte *end = p + material->len;
    if (p == end) {
        return -1;
    }
    while (p < end) {
        unsigned char *body = (unsigned char *)p;
        size_t body_len;
        if (mbedtls_asn1_get_tag(&body, end, &body_len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0) {
            return -1;
        }
        size_t cert_len = (size_t)(body - p) + body_len;
        if (mbedtls_x509_crt_parse_der(chain, p, cert_len) != 0) {
            return -1;
        }
        p += cert_len;
    }
    return 0;
}

// Frees what load_cert_chain parsed and raises: ENOMEM if an allocation
// failed on the way (the parsers cannot tell), else the ValueError.
NORETURN static void ssl_key_pair_fail(mbedtls_x509_crt *chain, mbedtls_pk_context *key, mp_rom_error_text_t message) {
    mbedtls_pk_free(key);
    mbedtls_x509_crt_free(chain);
    mpssl_raise_if_out_of_memory();
    mp_raise_ValueError(message);
}

void mpssl_load_cert_chain(mp_obj_ssl_context_t *self, mp_obj_t certfile, mp_obj_t keyfile) {
    // Parse into fresh structures: on any failure the context keeps what it
    // had. The key goes first, as upstream's order of errors has it.
    mbedtls_x509_crt chain;
    mbedtls_pk_context key;
    mbedtls_x509_crt_init(&chain);
    mbedtls_pk_init(&key);
    mpssl_alloc_watch_start();
    ssl_material_t key_data;
    ssl_material_get(&key_data, keyfile, "keyfile", false);
    int ret = mbedtls_pk_parse_key(&key, key_data.buf, key_data.len, NULL, 0, mpssl_rng, NULL);
    ssl_material_wipe(&key_data);
    if (ret != 0) {
        ssl_key_pair_fail(&chain, &key, MP_ERROR_TEXT("invalid key"));
    }
    ssl_material_t cert_data;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        ssl_material_get(&cert_data, certfile, "certfile", false);
        nlr_pop();
    } else {
        mbedtls_pk_free(&key);
        nlr_jump(nlr.ret_val);
    }
    ret = ssl_parse_certs(&chain, &cert_data);
    m_del(byte, cert_data.buf, cert_data.len + 1);
    if (ret != 0) {
        ssl_key_pair_fail(&chain, &key, MP_ERROR_TEXT("invalid cert"));
    }
    if (mbedtls_pk_check_pair(&chain.pk, &key, mpssl_rng, NULL) != 0) {
        ssl_key_pair_fail(&chain, &key, MP_ERROR_TEXT("key does not match the certificate"));
    }

    // Mbed TLS keeps pointers to own_chain and own_key; a second call
    // replaces their contents in place rather than adding a second pair.
    bool first = self->own_chain.raw.p == NULL;
    mbedtls_pk_free(&self->own_key);
    mbedtls_x509_crt_free(&self->own_chain);
    self->own_chain = chain;
    self->own_key = key;
    mpssl_sign_key_loaded(self);
    if (first) {
        ret = mbedtls_ssl_conf_own_cert(&self->conf, &self->own_chain, &self->own_key);
        if (ret != 0) {
            mpssl_raise(ret, 0);
        }
    }
}

// ---- getpeercert() ---------------------------------------------------------

// Mbed TLS's short attribute names and the long ones CPython reports.
static const char *const ssl_attr_names[][2] = {
    { "CN", "commonName" },
    { "C", "countryName" },
    { "L", "localityName" },
    { "ST", "stateOrProvinceName" },
    { "O", "organizationName" },
    { "OU", "organizationalUnitName" },
    { "emailAddress", "emailAddress" },
    { "serialNumber", "serialNumber" },
    { "SN", "surname" },
    { "GN", "givenName" },
    { "title", "title" },
    { "initials", "initials" },
    { "pseudonym", "pseudonym" },
    { "generationQualifier", "generationQualifier" },
    { "dnQualifier", "dnQualifier" },
    { "DC", "domainComponent" },
    { "uid", "userId" },
    { "postalAddress", "postalAddress" },
    { "postalCode", "postalCode" },
};

static mp_obj_t ssl_text_obj(const byte *p, size_t len) {
    if (utf8_check(p, len)) {
        return mp_obj_new_str((const char *)p, len);
    }
    return mp_obj_new_bytes(p, len);
}

static mp_obj_t ssl_attr_name_obj(const mbedtls_asn1_buf *oid) {
    const char *short_name;
    if (mbedtls_oid_get_attr_short_name(oid, &short_name) == 0) {
        for (size_t i = 0; i < MP_ARRAY_SIZE(ssl_attr_names); ++i) {
            if (strcmp(short_name, ssl_attr_names[i][0]) == 0) {
                return mp_obj_new_str_from_cstr(ssl_attr_names[i][1]);
            }
        }
    }
    char dotted[64];
    int n = mbedtls_oid_get_numeric_string(dotted, sizeof(dotted), oid);
    return n > 0 ? mp_obj_new_str(dotted, n) : mp_obj_new_str_from_cstr("unknown");
}

// A distinguished name as CPython gives it: a tuple of RDNs, each a tuple of
// (attribute, value) pairs.
static mp_obj_t ssl_name_obj(const mbedtls_x509_name *name) {
    mp_obj_t rdns = mp_obj_new_list(0, NULL);
    mp_obj_t rdn = mp_obj_new_list(0, NULL);
    for (; name != NULL; name = name->next) {
        if (name->oid.p == NULL) {
            continue;
        }
        mp_obj_t pair[2] = { ssl_attr_name_obj(&name->oid), ssl_text_obj(name->val.p, name->val.len) };
        mp_obj_list_append(rdn, mp_obj_new_tuple(2, pair));
        if (!name->MBEDTLS_PRIVATE(next_merged)) {
            size_t len;
            mp_obj_t *items;
            mp_obj_list_get(rdn, &len, &items);
            mp_obj_list_append(rdns, mp_obj_new_tuple(len, items));
            rdn = mp_obj_new_list(0, NULL);
        }
    }
    size_t len;
    mp_obj_t *items;
    mp_obj_list_get(rdns, &len, &items);
    return mp_obj_new_tuple(len, items);
}

// 'Nov 27 18:00:00 2027 GMT', as OpenSSL prints an ASN.1 time.
static mp_obj_t ssl_time_obj(const mbedtls_x509_time *t) {
    static const char months[12][4] = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };
    const char *month = (t->mon >= 1 && t->mon <= 12) ? months[t->mon - 1] : "???";
    vstr_t text;
    vstr_init(&text, 24);
    vstr_printf(&text, "%s %2d %02d:%02d:%02d %d GMT", month, t->day, t->hour, t->min, t->sec, t->year);
    return mp_obj_new_str_from_vstr(&text);
}

// The serial number in upper-case hex, without leading zero bytes.
static mp_obj_t ssl_serial_obj(const mbedtls_x509_buf *serial) {
    size_t i = 0;
    while (i + 1 < serial->len && serial->p[i] == 0) {
        ++i;
    }
    vstr_t text;
    vstr_init(&text, 2 * serial->len + 1);
    for (; i < serial->len; ++i) {
        vstr_printf(&text, "%02X", serial->p[i]);
    }
    return mp_obj_new_str_from_vstr(&text);
}

static mp_obj_t ssl_ip_obj(const mbedtls_x509_buf *ip) {
    vstr_t text;
    vstr_init(&text, 40);
    if (ip->len == 4) {
        vstr_printf(&text, "%u.%u.%u.%u", ip->p[0], ip->p[1], ip->p[2], ip->p[3]);
    } else {
        // CPython prints IPv6 uncompressed, groups in upper-case hex.
        for (size_t i = 0; i + 1 < ip->len; i += 2) {
            vstr_printf(&text, i == 0 ? "%X" : ":%X", (ip->p[i] << 8) | ip->p[i + 1]);
        }
    }
    return mp_obj_new_str_from_vstr(&text);
}

// subjectAltName entries of the kinds CPython reports.
static mp_obj_t ssl_san_obj(const mbedtls_x509_crt *crt) {
    mp_obj_t entries = mp_obj_new_list(0, NULL);
    for (const mbedtls_x509_sequence *seq = &crt->subject_alt_names; seq != NULL && seq->buf.p != NULL; seq = seq->next) {
        mbedtls_x509_subject_alternative_name san;
        if (mbedtls_x509_parse_subject_alt_name(&seq->buf, &san) != 0) {
            continue;
        }
        mp_obj_t pair[2] = { MP_OBJ_NULL, MP_OBJ_NULL };
        const mbedtls_x509_buf *value = &san.san.unstructured_name;
        switch (san.type) {
            case MBEDTLS_X509_SAN_DNS_NAME:
                pair[0] = MP_OBJ_NEW_QSTR(MP_QSTR_DNS);
                pair[1] = ssl_text_obj(value->p, value->len);
                break;
            case MBEDTLS_X509_SAN_RFC822_NAME:
                pair[0] = MP_OBJ_NEW_QSTR(MP_QSTR_email);
                pair[1] = ssl_text_obj(value->p, value->len);
                break;
            case MBEDTLS_X509_SAN_UNIFORM_RESOURCE_IDENTIFIER:
                pair[0] = MP_OBJ_NEW_QSTR(MP_QSTR_URI);
                pair[1] = ssl_text_obj(value->p, value->len);
                break;
            case MBEDTLS_X509_SAN_IP_ADDRESS:
                pair[0] = mp_obj_new_str_from_cstr("IP Address");
                pair[1] = ssl_ip_obj(value);
                break;
            default:
                break;
        }
        mbedtls_x509_free_subject_alt_name(&san);
        if (pair[0] != MP_OBJ_NULL) {
            mp_obj_list_append(entries, mp_obj_new_tuple(2, pair));
        }
    }
    size_t len;
    mp_obj_t *items;
    mp_obj_list_get(entries, &len, &items);
    return mp_obj_new_tuple(len, items);
}

static mp_obj_t ssl_cert_to_dict(const mbedtls_x509_crt *crt) {
    mp_obj_t dict = mp_obj_new_dict(7);
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_subject), ssl_name_obj(&crt->subject));
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_issuer), ssl_name_obj(&crt->issuer));
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_version), MP_OBJ_NEW_SMALL_INT(crt->version));
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_serialNumber), ssl_serial_obj(&crt->serial));
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_notBefore), ssl_time_obj(&crt->valid_from));
    mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_notAfter), ssl_time_obj(&crt->valid_to));
    mp_obj_t san = ssl_san_obj(crt);
    if (san != mp_const_empty_tuple) {
        mp_obj_dict_store(dict, MP_OBJ_NEW_QSTR(MP_QSTR_subjectAltName), san);
    }
    return dict;
}

// A connection keeps its peer's certificate as DER only (ssl_socket.c): the
// dict comes from parsing it again, in place.
mp_obj_t mpssl_cert_der_to_dict(mp_obj_t der) {
    mp_buffer_info_t buf;
    mp_get_buffer_raise(der, &buf, MP_BUFFER_READ);
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    mpssl_alloc_watch_start();
    int ret = mbedtls_x509_crt_parse_der_nocopy(&crt, buf.buf, buf.len);
    if (ret != 0) {
        mbedtls_x509_crt_free(&crt);
        mpssl_raise_if_out_of_memory();
        mpssl_raise(ret, 0);
    }
    // The dict comes from the GC heap: a MemoryError there must not leak
    // the parsed certificate.
    nlr_buf_t nlr;
    if (nlr_push(&nlr) != 0) {
        mbedtls_x509_crt_free(&crt);
        nlr_jump(nlr.ret_val);
    }
    mp_obj_t dict = ssl_cert_to_dict(&crt);
    nlr_pop();
    mbedtls_x509_crt_free(&crt);
    return dict;
}
