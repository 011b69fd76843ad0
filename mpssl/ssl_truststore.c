// Trust anchors: the CAs a context trusts. Each load_verify_locations()
// adds a source (bytes in RAM or ROM, or a file) and an index into it: per
// CA, a hash of its subject name and where its entry lies. Nothing else is
// kept. When a chain needs an issuer, Mbed TLS's trusted-CA callback finds
// the entries whose subject hash matches the issuer's and parses only those,
// for the length of that verification.
//
// Sources: PEM blocks or concatenated DER certificates (a CA bundle as
// CPython loads it), or a compact trust store (docs/trust-store.md, written
// by tools/mpssl_truststore.py) whose own sorted table is the index, read
// in place. A root whose own signature uses an algorithm this build lacks
// (SHA-1 self-signed roots) is an anchor all the same, made of its name, key,
// validity and basicConstraints: path validation never checks an anchor's
// signature (RFC 5280 6.1). A store holds exactly those fields.
//
// RAM: 12 bytes a CA for an index (none for a store given as bytes), plus
// about 100 bytes a source. A file is read through an 8 KiB window to build
// the index, and again (one entry) at each lookup.
#include <string.h>

#include "py/runtime.h"
#include "py/unicode.h"
#include "py/mperrno.h"
#include "py/stream.h"

#include "mbedtls/asn1.h"
#include "mbedtls/asn1write.h"
#include "mbedtls/error.h"
#include "mbedtls/oid.h"
#include "mbedtls/platform.h"

#include "mpssl.h"

#if !defined(MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK)
#error "mpssl's trust store needs MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK"
#endif

// Where a default bundle lives when the firmware freezes none (unix: the
// system's, the ca-certificates package's; a device: a file it was copied to).
#ifndef MPSSL_DEFAULT_CAFILE
#define MPSSL_DEFAULT_CAFILE "/etc/ssl/certs/ca-certificates.crt"
#endif

// The store format (docs/trust-store.md): a 16-byte header, then the index,
// then the records.
#define STORE_MAGIC "MPTS"
#define STORE_VERSION (1)
#define STORE_HEADER_LEN (16)
#define ENTRY_LEN (12)          // subject hash, offset, length: little-endian 32-bit each
#define RECORD_FLAG_CA (1)      // basicConstraints cA (or a v1 root)
#define RECORD_FLAG_PATHLEN (2) // pathLenConstraint present

enum {
    SOURCE_PEM,     // entries are the base64 bodies of PEM CERTIFICATE blocks
    SOURCE_DER,     // entries are DER certificates
    SOURCE_STORE,   // entries are store records
};

typedef struct _ssl_anchor_source_t {
    mp_obj_base_t base;
    mp_obj_t data;      // bytes holding the entries, or MP_OBJ_NULL: read from path
    mp_obj_t path;      // the file read at each lookup, or MP_OBJ_NULL
    mp_obj_t table;     // bytes holding the index (for a store in memory: data itself)
    size_t table_start; // where the index starts in table
    size_t count;
    uint8_t kind;
} ssl_anchor_source_t;

static MP_DEFINE_CONST_OBJ_TYPE(ssl_anchor_source_type, MP_QSTR_anchors, MP_TYPE_FLAG_NONE);

// What an anchor is made of: ranges of DER (whole elements, tag included).
typedef struct _ssl_anchor_t {
    const byte *subject;
    size_t subject_len;
    const byte *validity;
    size_t validity_len;
    const byte *spki;
    size_t spki_len;
    bool ca;
    int pathlen;        // -1: no constraint
    // Constraints an anchor made of the fields above would drop: a critical
    // extension besides basicConstraints and keyUsage (nameConstraints, say),
    // or a keyUsage without keyCertSign. Such a CA is skipped, not loosened.
    bool unkeepable;
} ssl_anchor_t;

static uint32_t ssl_get_u32(const byte *p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void ssl_put_u32(byte *p, uint32_t v) {
    for (int i = 0; i < 4; ++i) {
        p[i] = (byte)(v >> (8 * i));
    }
}

// FNV-1a over a name's DER: the index key (tools/mpssl_truststore.py has the same).
static uint32_t ssl_name_hash(const byte *p, size_t len) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; ++i) {
        h = (h ^ p[i]) * 16777619u;
    }
    return h;
}

// ---- Reading DER ------------------------------------------------------------

// The element at *p with this tag, whole: *start and *len; *p moves past it.
static int ssl_der_element(byte **p, const byte *end, int tag, const byte **start, size_t *len) {
    const byte *from = *p;
    size_t body;
    int ret = mbedtls_asn1_get_tag(p, end, &body, tag);
    if (ret != 0) {
        return ret;
    }
    *p += body;
    if (start != NULL) {
        *start = from;
        *len = *p - from;
    }
    return 0;
}

// basicConstraints' extnValue: SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLen INTEGER OPTIONAL }.
static int ssl_anchor_basic_constraints(ssl_anchor_t *anchor, byte *p, const byte *end) {
    size_t len;
    int ret = mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
    int ca = 0;
    if (ret == 0 && p < end && *p == MBEDTLS_ASN1_BOOLEAN) {
        ret = mbedtls_asn1_get_bool(&p, end, &ca);
    }
    anchor->ca = ca != 0;
    if (ret == 0 && p < end) {
        ret = mbedtls_asn1_get_int(&p, end, &anchor->pathlen);
    }
    return ret;
}

// keyUsage's extnValue (a BIT STRING): whether keyCertSign (bit 5) is set.
static bool ssl_key_usage_signs_certs(byte *p, const byte *end) {
    size_t len;
    return mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_BIT_STRING) == 0 && len >= 2 && (p[1] & 0x04) != 0;
}

// Extensions ([3] EXPLICIT SEQUENCE OF Extension): basicConstraints makes the
// anchor; keyUsage and any other critical extension may make it unkeepable.
static int ssl_anchor_extensions(ssl_anchor_t *anchor, byte *p, const byte *end) {
    static const byte basic_constraints[] = { 0x55, 0x1d, 0x13 };
    static const byte key_usage[] = { 0x55, 0x1d, 0x0f };
    size_t len;
    int ret = mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
    while (ret == 0 && p < end) {
        ret = mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
        const byte *ext_end = p + len;
        size_t oid_len;
        if (ret == 0) {
            ret = mbedtls_asn1_get_tag(&p, ext_end, &oid_len, MBEDTLS_ASN1_OID);
        }
        if (ret != 0) {
            break;
        }
        bool is_bc = oid_len == sizeof(basic_constraints) && memcmp(p, basic_constraints, oid_len) == 0;
        bool is_ku = oid_len == sizeof(key_usage) && memcmp(p, key_usage, oid_len) == 0;
        p += oid_len;
        int critical = 0;
        if (p < ext_end && *p == MBEDTLS_ASN1_BOOLEAN) {
            ret = mbedtls_asn1_get_bool(&p, ext_end, &critical);
        }
        if (ret == 0) {
            ret = mbedtls_asn1_get_tag(&p, ext_end, &len, MBEDTLS_ASN1_OCTET_STRING);
        }
        if (ret == 0 && is_bc) {
            ret = ssl_anchor_basic_constraints(anchor, p, p + len);
        } else if (ret == 0 && is_ku) {
            anchor->unkeepable |= !ssl_key_usage_signs_certs(p, p + len);
        } else if (critical) {
            anchor->unkeepable = true;
        }
        p = (byte *)ext_end;
    }
    return ret;
}

// The anchor fields of a DER certificate. A v1 certificate (no extensions)
// counts as a CA, as OpenSSL counts self-signed v1 roots.
static int ssl_anchor_from_cert(ssl_anchor_t *anchor, const byte *der, size_t der_len) {
    byte *p = (byte *)der;
    const byte *end = der + der_len;
    size_t len;
    int version = 0;
    int ret = mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
    if (ret == 0 && p + len != end) {
        return MBEDTLS_ERR_ASN1_LENGTH_MISMATCH;
    }
    if (ret == 0) {
        ret = mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
    }
    const byte *tbs_end = p + len;
    if (ret == 0 && p < tbs_end && *p == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0)) {
        ret = mbedtls_asn1_get_tag(&p, tbs_end, &len, MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0);
        if (ret == 0) {
            ret = mbedtls_asn1_get_int(&p, tbs_end, &version);
        }
    }
    ret = ret ? ret : ssl_der_element(&p, tbs_end, MBEDTLS_ASN1_INTEGER, NULL, NULL);
    ret = ret ? ret : ssl_der_element(&p, tbs_end, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE, NULL, NULL);
    ret = ret ? ret : ssl_der_element(&p, tbs_end, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE, NULL, NULL);
    ret = ret ? ret : ssl_der_element(&p, tbs_end, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE, &anchor->validity, &anchor->validity_len);
    ret = ret ? ret : ssl_der_element(&p, tbs_end, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE, &anchor->subject, &anchor->subject_len);
    ret = ret ? ret : ssl_der_element(&p, tbs_end, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE, &anchor->spki, &anchor->spki_len);
    anchor->ca = version == 0;
    anchor->pathlen = -1;
    anchor->unkeepable = false;
    while (ret == 0 && p < tbs_end) {
        const byte *start;
        size_t elen;
        byte tag = *p;
        ret = ssl_der_element(&p, tbs_end, tag, &start, &elen);
        if (ret == 0 && tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 3)) {
            byte *body = (byte *)start;
            ret = mbedtls_asn1_get_tag(&body, p, &len, tag);
            ret = ret ? ret : ssl_anchor_extensions(anchor, body, p);
        }
    }
    return ret;
}

// The anchor fields of a store record: flags, pathlen, subject, validity, key.
static int ssl_anchor_from_record(ssl_anchor_t *anchor, const byte *record, size_t len) {
    if (len < 2) {
        return MBEDTLS_ERR_ASN1_OUT_OF_DATA;
    }
    byte *p = (byte *)record + 2;
    const byte *end = record + len;
    anchor->ca = record[0] & RECORD_FLAG_CA;
    anchor->pathlen = (record[0] & RECORD_FLAG_PATHLEN) ? record[1] : -1;
    anchor->unkeepable = false; // the converter keeps no such CA
    int ret = ssl_der_element(&p, end, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE, &anchor->subject, &anchor->subject_len);
    ret = ret ? ret : ssl_der_element(&p, end, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE, &anchor->validity, &anchor->validity_len);
    ret = ret ? ret : ssl_der_element(&p, end, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE, &anchor->spki, &anchor->spki_len);
    if (ret == 0 && p != end) {
        ret = MBEDTLS_ERR_ASN1_LENGTH_MISMATCH;
    }
    return ret;
}

// ---- Anchors as certificates ------------------------------------------------

// A certificate Mbed TLS can hold as a trusted CA, written from an anchor's
// fields: issuer = subject, basicConstraints cA (with its pathLen), and a
// placeholder signature, which is never checked. Added to *chain.
static int ssl_anchor_parse_synthetic(mbedtls_x509_crt *chain, const ssl_anchor_t *anchor) {
    static const byte algorithm[] = { // sha256WithRSAEncryption: any algorithm Mbed TLS parses
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00
    };
    static const byte signature[] = { 0x03, 0x02, 0x00, 0x00 };
    static const byte head[] = { 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01 }; // v3, serial 1
    static const byte basic_constraints[] = { 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff };
    size_t size = 2 * anchor->subject_len + anchor->validity_len + anchor->spki_len + 96;
    byte *buf = mbedtls_calloc(1, size);
    if (buf == NULL) {
        return MBEDTLS_ERR_X509_ALLOC_FAILED;
    }
    // Written back to front, as Mbed TLS's writers work; len counts the
    // bytes of the element being closed, total all bytes written.
    byte *p = buf + size;
    size_t len = 0;
    size_t total = 0;
    int ret = 0;
    #define WRITE(call) do { int n_ = (call); if (n_ < 0) { ret = n_; goto cleanup; } len += n_; total += n_; } while (0)
    #define CLOSE(tag) do { WRITE(mbedtls_asn1_write_len(&p, buf, len)); WRITE(mbedtls_asn1_write_tag(&p, buf, (tag))); } while (0)
    WRITE(mbedtls_asn1_write_raw_buffer(&p, buf, signature, sizeof(signature)));
    WRITE(mbedtls_asn1_write_raw_buffer(&p, buf, algorithm, sizeof(algorithm)));
    len = 0; // the TBSCertificate
    if (anchor->pathlen >= 0) {
        WRITE(mbedtls_asn1_write_int(&p, buf, anchor->pathlen));
    }
    WRITE(mbedtls_asn1_write_bool(&p, buf, 1));
    CLOSE(MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
    CLOSE(MBEDTLS_ASN1_OCTET_STRING);
    WRITE(mbedtls_asn1_write_raw_buffer(&p, buf, basic_constraints, sizeof(basic_constraints)));
    CLOSE(MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
    CLOSE(MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
    CLOSE(MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 3);
    WRITE(mbedtls_asn1_write_raw_buffer(&p, buf, anchor->spki, anchor->spki_len));
    WRITE(mbedtls_asn1_write_raw_buffer(&p, buf, anchor->subject, anchor->subject_len));
    WRITE(mbedtls_asn1_write_raw_buffer(&p, buf, anchor->validity, anchor->validity_len));
    WRITE(mbedtls_asn1_write_raw_buffer(&p, buf, anchor->subject, anchor->subject_len));
    WRITE(mbedtls_asn1_write_raw_buffer(&p, buf, algorithm, sizeof(algorithm)));
    WRITE(mbedtls_asn1_write_raw_buffer(&p, buf, head, sizeof(head)));
    CLOSE(MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
    len = total; // the Certificate
    CLOSE(MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
    #undef CLOSE
    #undef WRITE
    ret = mbedtls_x509_crt_parse_der(chain, p, total);
cleanup:
    mbedtls_free(buf);
    return ret;
}

// Whether a parse failed only on the certificate's own signature algorithm.
static bool ssl_unknown_sig_alg(int ret) {
    return ((-ret) & 0xff80) == -MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG;
}

// Base64 of a PEM body, line breaks and spaces skipped. Certificates are
// public: this decoder need not run in constant time as Mbed TLS's does
// (which costs a bundle's load several times over). 0 or -1.
static int ssl_base64_decode(const byte *in, size_t len, byte *out, size_t *out_len) {
    uint32_t bits = 0;
    int count = 0;
    size_t n = 0;
    size_t pad = 0;
    for (size_t i = 0; i < len; ++i) {
        byte c = in[i];
        int v;
        if (c >= 'A' && c <= 'Z') {
            v = c - 'A';
        } else if (c >= 'a' && c <= 'z') {
            v = c - 'a' + 26;
        } else if (c >= '0' && c <= '9') {
            v = c - '0' + 52;
        } else if (c == '+' || c == '/') {
            v = c == '+' ? 62 : 63;
        } else if (c == '\r' || c == '\n' || c == ' ' || c == '\t') {
            continue;
        } else if (c == '=') {
            v = 0;
            ++pad;
        } else {
            return -1;
        }
        if (pad != 0 && c != '=') {
            return -1; // data after the padding
        }
        bits = (bits << 6) | v;
        if (++count == 4) {
            out[n] = bits >> 16;
            out[n + 1] = bits >> 8;
            out[n + 2] = bits;
            n += 3;
            count = 0;
        }
    }
    if (count != 0 || pad > 2 || pad > n) {
        return -1;
    }
    *out_len = n - pad;
    return 0;
}

// An entry's DER certificate (PEM entries are decoded), in a buffer from
// mbedtls_calloc, or NULL (*ret says why).
static byte *ssl_entry_der(uint8_t kind, const byte *entry, size_t len, size_t *der_len, int *ret) {
    byte *der = mbedtls_calloc(1, len);
    *ret = MBEDTLS_ERR_X509_ALLOC_FAILED;
    if (der == NULL) {
        return NULL;
    }
    *ret = 0;
    if (kind == SOURCE_DER) {
        memcpy(der, entry, len);
        *der_len = len;
    } else if (ssl_base64_decode(entry, len, der, der_len) != 0) {
        *ret = MBEDTLS_ERR_X509_INVALID_FORMAT;
        mbedtls_free(der);
        der = NULL;
    }
    return der;
}

// An entry whose own signature algorithm Mbed TLS lacks and whose constraints an
// anchor made of its fields would drop (ssl_anchor_t's unkeepable).
#define SSL_ENTRY_UNKEEPABLE (2)

// Adds the CA an entry holds to *chain: the certificate itself when Mbed
// TLS parses it, else (its own signature's algorithm is not in this build)
// an anchor made of its fields. A store record that is not a CA adds
// nothing. A self-signed certificate trusted as itself is found by Mbed
// TLS among what this adds (patches/mbedtls/0022).
static int ssl_entry_parse(mbedtls_x509_crt *chain, uint8_t kind, const byte *entry, size_t len) {
    ssl_anchor_t anchor;
    if (kind == SOURCE_STORE) {
        int ret = ssl_anchor_from_record(&anchor, entry, len);
        return ret != 0 || !anchor.ca ? ret : ssl_anchor_parse_synthetic(chain, &anchor);
    }
    size_t der_len;
    int ret;
    byte *der = ssl_entry_der(kind, entry, len, &der_len, &ret);
    if (der == NULL) {
        return ret;
    }
    ret = mbedtls_x509_crt_parse_der(chain, der, der_len);
    if (ssl_unknown_sig_alg(ret)) {
        ret = ssl_anchor_from_cert(&anchor, der, der_len);
        if (ret == 0 && anchor.unkeepable) {
            ret = SSL_ENTRY_UNKEEPABLE;
        }
        ret = ret ? ret : ssl_anchor_parse_synthetic(chain, &anchor);
    }
    mbedtls_free(der);
    return ret;
}

// ---- Lookup during verification ---------------------------------------------

static const byte *ssl_source_table(ssl_anchor_source_t *source) {
    mp_buffer_info_t buf;
    mp_get_buffer_raise(source->table, &buf, MP_BUFFER_READ);
    return (const byte *)buf.buf + source->table_start;
}

// A cafile, open: through open() as every file of ours, and checked to be
// a stream (a filesystem written in Python may return anything), which the
// stream calls below take for granted.
static mp_obj_t ssl_open_cafile(mp_obj_t path) {
    mp_obj_t file = mpssl_open_file(path, "cafile");
    mp_get_stream_raise(file, MP_STREAM_OP_READ | MP_STREAM_OP_IOCTL);
    return file;
}

// An entry's bytes: in place in memory, or read from the file (the caller
// frees them with m_del when source->path is set).
static const byte *ssl_source_entry(ssl_anchor_source_t *source, uint32_t offset, uint32_t len) {
    if (source->path == MP_OBJ_NULL) {
        mp_buffer_info_t buf;
        mp_get_buffer_raise(source->data, &buf, MP_BUFFER_READ);
        return (const byte *)buf.buf + offset;
    }
    mp_obj_t file = ssl_open_cafile(source->path);
    byte *data = m_new(byte, len);
    int errcode = 0;
    bool ok = mp_stream_seek(file, offset, MP_SEEK_SET, &errcode) == (mp_off_t)offset
        && mp_stream_read_exactly(file, data, len, &errcode) == len;
    mp_stream_close(file);
    if (!ok) {
        m_del(byte, data, len);
        mp_raise_msg(&mp_type_OSError, MP_ERROR_TEXT("CA file shrank since load_verify_locations(): load it again"));
    }
    return data;
}

static void ssl_source_lookup(ssl_anchor_source_t *source, uint32_t hash, mbedtls_x509_crt *chain) {
    const byte *table = ssl_source_table(source);
    size_t lo = 0;
    size_t hi = source->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ssl_get_u32(table + mid * ENTRY_LEN) < hash) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    for (; lo < source->count; ++lo) {
        // Reading a file may run the GC: find the table again each time.
        const byte *entry = ssl_source_table(source) + lo * ENTRY_LEN;
        if (ssl_get_u32(entry) != hash) {
            break;
        }
        uint32_t len = ssl_get_u32(entry + 8);
        const byte *data = ssl_source_entry(source, ssl_get_u32(entry + 4), len);
        // An entry that fails here was reported when it was loaded.
        ssl_entry_parse(chain, source->kind, data, len);
        if (source->path != MP_OBJ_NULL) {
            m_del(byte, (byte *)data, len);
        }
    }
}

// Adds to chain the CAs of every source whose subject hashes to hash; what
// reading a file raised, or MP_OBJ_NULL.
static mp_obj_t ssl_anchors_collect(mp_obj_t anchors, uint32_t hash, mbedtls_x509_crt *chain) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) != 0) {
        return MP_OBJ_FROM_PTR(nlr.ret_val);
    }
    size_t n;
    mp_obj_t *sources;
    mp_obj_list_get(anchors, &n, &sources);
    for (size_t i = 0; i < n; ++i) {
        ssl_source_lookup(MP_OBJ_TO_PTR(sources[i]), hash, chain);
    }
    nlr_pop();
    return MP_OBJ_NULL;
}

// Mbed TLS's trusted-CA callback: the CAs whose subject is child's issuer.
// Reading a file runs Python code; what it raises is kept in the context
// and raised by the connection once Mbed TLS has returned (ssl_socket.c),
// and the chain meanwhile finds no CA.
static int ssl_anchors_lookup(void *ctx, const mbedtls_x509_crt *child, mbedtls_x509_crt **candidates) {
    mp_obj_ssl_context_t *self = ctx;
    *candidates = NULL;
    mbedtls_x509_crt *chain = mbedtls_calloc(1, sizeof(mbedtls_x509_crt));
    if (chain == NULL) {
        return MBEDTLS_ERR_X509_ALLOC_FAILED;
    }
    mbedtls_x509_crt_init(chain);
    uint32_t hash = ssl_name_hash(child->issuer_raw.p, child->issuer_raw.len);
    mp_obj_t exc = ssl_anchors_collect(self->anchors, hash, chain);
    if (exc != MP_OBJ_NULL && self->anchors_exc == MP_OBJ_NULL) {
        self->anchors_exc = exc;
    }
    if (chain->raw.p == NULL) {
        mbedtls_x509_crt_free(chain);
        mbedtls_free(chain);
        chain = NULL;
    }
    *candidates = chain;
    return 0;
}

// ---- Loading ----------------------------------------------------------------

// Bytes from a certificate or a file, added to a message: as they are if
// they are UTF-8 (a str must be), else each byte past ASCII as \xNN.
static void ssl_add_text(vstr_t *text, const byte *p, size_t len) {
    if (utf8_check(p, len)) {
        vstr_add_strn(text, (const char *)p, len);
        return;
    }
    for (size_t i = 0; i < len; ++i) {
        if (p[i] < 0x80) {
            vstr_add_byte(text, p[i]);
        } else {
            vstr_printf(text, "\\x%02x", p[i]);
        }
    }
}

// A name as text ("CN=..., O=..."), for messages.
static mp_obj_t ssl_name_text(const byte *name, size_t len) {
    vstr_t text;
    vstr_init(&text, 64);
    byte *p = (byte *)name;
    const byte *end = name + len;
    size_t l;
    mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
    // Each RDN is a SET of (OID, value) SEQUENCEs; stop at anything else.
    while (p < end && mbedtls_asn1_get_tag(&p, end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SET) == 0) {
        const byte *set_end = p + l;
        while (p < set_end && mbedtls_asn1_get_tag(&p, set_end, &l, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) == 0) {
            const byte *atv_end = p + l;
            mbedtls_asn1_buf oid = { .tag = MBEDTLS_ASN1_OID };
            size_t value_len;
            if (mbedtls_asn1_get_tag(&p, atv_end, &oid.len, MBEDTLS_ASN1_OID) != 0) {
                break;
            }
            oid.p = p;
            p += oid.len;
            const char *short_name = "?";
            mbedtls_oid_get_attr_short_name(&oid, &short_name);
            if (p < atv_end && mbedtls_asn1_get_tag(&p, atv_end, &value_len, *p) == 0) {
                vstr_printf(&text, "%s%s=", text.len ? ", " : "", short_name);
                ssl_add_text(&text, p, value_len);
            }
            p = (byte *)atv_end;
        }
        p = (byte *)set_end;
    }
    return mp_obj_new_str_from_vstr(&text);
}

// Whether an entry parses as verification will parse it: 0, why not (an
// Mbed TLS error), or SSL_ENTRY_NOT_CA for a store record that is no CA.
#define SSL_ENTRY_NOT_CA (1)
static int ssl_entry_check(uint8_t kind, const byte *entry, size_t len) {
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    int ret = ssl_entry_parse(&crt, kind, entry, len);
    if (ret == 0 && crt.raw.p == NULL) {
        ret = SSL_ENTRY_NOT_CA;
    }
    mbedtls_x509_crt_free(&crt);
    if (ret < 0) {
        mpssl_raise_if_out_of_memory();
    }
    return ret;
}

static mp_obj_t ssl_anchor_subject(const ssl_anchor_t *anchor) {
    return ssl_name_text(anchor->subject, anchor->subject_len);
}

// Why an entry cannot be used, for skipped_cas.
static mp_obj_t ssl_entry_reason(int ret) {
    if (ret == SSL_ENTRY_NOT_CA) {
        return mp_obj_new_str_from_cstr("not a CA (basicConstraints cA is false): load a certificate trusted as itself from PEM or DER");
    }
    if (ret == SSL_ENTRY_UNKEEPABLE) {
        return mp_obj_new_str_from_cstr("its signature algorithm is not in this build and it carries constraints a bare anchor would drop (a critical extension such as nameConstraints, or keyUsage without keyCertSign)");
    }
    vstr_t reason;
    vstr_init(&reason, 32);
    #if defined(MBEDTLS_ERROR_C)
    char detail[80];
    mbedtls_strerror(ret, detail, sizeof(detail));
    vstr_printf(&reason, "cannot be used: %s", detail);
    #else
    vstr_printf(&reason, "cannot be used: Mbed TLS error -0x%04x", (unsigned)-ret);
    #endif
    return mp_obj_new_str_from_vstr(&reason);
}

typedef struct _ssl_loader_t {
    mp_obj_ssl_context_t *context;
    mp_obj_t source_name;   // the path, or "cadata"
    vstr_t index;           // entries being built (PEM and DER sources)
    size_t position;        // 1-based, of the entry at hand
    size_t loaded;
    mp_obj_t first_skipped; // the (source, position, subject, reason) of this load's first skipped entry
} ssl_loader_t;

// A load error: the source, the entry's position (1-based; 0: the source
// as a whole) and subject when known, and the reason.
NORETURN static void ssl_loader_fail(ssl_loader_t *loader, mp_obj_t subject, const char *reason) {
    vstr_t where;
    vstr_init(&where, 64);
    vstr_add_str(&where, mp_obj_str_get_str(loader->source_name));
    if (loader->position != 0) {
        vstr_printf(&where, " entry %u", (unsigned)loader->position);
    }
    if (subject != MP_OBJ_NULL) {
        vstr_printf(&where, " (%s)", mp_obj_str_get_str(subject));
    }
    mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("%s: %s"), vstr_null_terminated_str(&where), reason);
}

static void ssl_loader_skip(ssl_loader_t *loader, mp_obj_t subject, mp_obj_t reason) {
    mp_obj_t items[4] = { loader->source_name, MP_OBJ_NEW_SMALL_INT(loader->position), subject, reason };
    mp_obj_t skipped = mp_obj_new_tuple(4, items);
    if (loader->context->anchors_skipped == MP_OBJ_NULL) {
        loader->context->anchors_skipped = mp_obj_new_list(0, NULL);
    }
    mp_obj_list_append(loader->context->anchors_skipped, skipped);
    if (loader->first_skipped == MP_OBJ_NULL) {
        loader->first_skipped = skipped;
    }
}

// One certificate of a PEM or DER bundle, at offset in its source: indexed
// if usable, else skipped. Decoded into the GC heap, so that an exception
// frees it.
static void ssl_loader_cert(ssl_loader_t *loader, uint8_t kind, const byte *entry, size_t len, size_t offset) {
    ++loader->position;
    byte *der = m_new(byte, len);
    size_t der_len = len;
    if (kind == SOURCE_DER) {
        memcpy(der, entry, len);
    } else if (ssl_base64_decode(entry, len, der, &der_len) != 0) {
        ssl_loader_fail(loader, MP_OBJ_NULL, "bad base64 in the PEM block");
    }
    ssl_anchor_t anchor;
    if (ssl_anchor_from_cert(&anchor, der, der_len) != 0) {
        ssl_loader_fail(loader, MP_OBJ_NULL, "not an X.509 certificate (bad DER)");
    }
    int ret = ssl_entry_check(SOURCE_DER, der, der_len);
    if (ret != 0) {
        ssl_loader_skip(loader, ssl_anchor_subject(&anchor), ssl_entry_reason(ret));
    } else {
        byte *index_entry = (byte *)vstr_add_len(&loader->index, ENTRY_LEN);
        ssl_put_u32(index_entry, ssl_name_hash(anchor.subject, anchor.subject_len));
        ssl_put_u32(index_entry + 4, offset);
        ssl_put_u32(index_entry + 8, len);
        ++loader->loaded;
    }
    m_del(byte, der, len);
}

static const byte *ssl_find(const byte *p, const byte *end, const char *text) {
    size_t n = strlen(text);
    for (; p + n <= end; ++p) {
        if (memcmp(p, text, n) == 0) {
            return p;
        }
    }
    return NULL;
}

// A bundle is scanned in windows: a scanner is given bytes from the source's
// offset base, final when they run to its end, and returns how many it is
// done with (an entry cut by the window's end is left for the next one).
typedef size_t (*ssl_scan_t)(ssl_loader_t *loader, const byte *data, size_t len, size_t base, bool final);

// PEM: every "-----BEGIN CERTIFICATE-----" block; text around them is ignored,
// as OpenSSL ignores it; blocks of other kinds are reported as skipped.
static size_t ssl_scan_pem(ssl_loader_t *loader, const byte *data, size_t len, size_t base, bool final) {
    static const char cert_label[] = "CERTIFICATE";
    const byte *end = data + len;
    const byte *p = data;
    for (;;) {
        const byte *begin = ssl_find(p, end, "-----BEGIN ");
        if (begin == NULL) {
            // Keep what may be the start of a marker the window cut.
            return len - MIN(len - (p - data), (size_t)10);
        }
        const byte *label = begin + 11;
        const byte *label_end = ssl_find(label, end, "-----");
        const byte *body = label_end ? label_end + 5 : NULL;
        const byte *stop = body ? ssl_find(body, end, "-----END ") : NULL;
        const byte *close = stop ? ssl_find(stop + 9, end, "-----") : NULL;
        if (close == NULL) {
            if (!final) {
                return begin - data;
            }
            ++loader->position;
            ssl_loader_fail(loader, MP_OBJ_NULL, "PEM block without its END line (truncated?)");
        }
        p = close + 5;
        if ((size_t)(label_end - label) != sizeof(cert_label) - 1 || memcmp(label, cert_label, sizeof(cert_label) - 1) != 0) {
            ++loader->position;
            vstr_t what;
            vstr_init(&what, 32);
            vstr_add_str(&what, "not a certificate: a ");
            ssl_add_text(&what, label, MIN(label_end - label, 40));
            vstr_add_str(&what, " block");
            ssl_loader_skip(loader, mp_const_none, mp_obj_new_str_from_vstr(&what));
            continue;
        }
        ssl_loader_cert(loader, SOURCE_PEM, body, stop - body, base + (body - data));
    }
}

static size_t ssl_scan_der(ssl_loader_t *loader, const byte *data, size_t len, size_t base, bool final) {
    const byte *end = data + len;
    const byte *p = data;
    while (p < end) {
        byte *body = (byte *)p;
        size_t body_len;
        int ret = mbedtls_asn1_get_tag(&body, end, &body_len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
        if (ret == MBEDTLS_ERR_ASN1_OUT_OF_DATA && !final) {
            return p - data; // the certificate goes on past the window
        }
        if (ret != 0) {
            ++loader->position;
            ssl_loader_fail(loader, MP_OBJ_NULL, "not a DER certificate (bad tag or length: truncated?)");
        }
        size_t cert_len = (body - p) + body_len;
        ssl_loader_cert(loader, SOURCE_DER, p, cert_len, base + (p - data));
        p += cert_len;
    }
    return len;
}

// Where a load reads from: bytes in memory, or a file.
typedef struct _ssl_reader_t {
    const byte *data;   // in memory: all of it; else NULL
    mp_obj_t file;
    size_t size;
} ssl_reader_t;

// len bytes at offset: in place in memory, else read into buf.
static const byte *ssl_reader_at(ssl_reader_t *reader, size_t offset, size_t len, byte *buf) {
    if (reader->data != NULL) {
        return reader->data + offset;
    }
    int errcode = 0;
    if (mp_stream_seek(reader->file, offset, MP_SEEK_SET, &errcode) != (mp_off_t)offset
        || mp_stream_read_exactly(reader->file, buf, len, &errcode) != len) {
        mp_raise_OSError(errcode ? errcode : MP_EIO);
    }
    return buf;
}

// A file is read a window at a time (8 KiB, doubled for an entry longer
// than that): the load's heap is the window and the index, whatever the
// file's size.
#define SSL_WINDOW_LEN (8192)
static void ssl_loader_scan(ssl_loader_t *loader, ssl_reader_t *reader, ssl_scan_t scan) {
    if (reader->data != NULL) {
        scan(loader, reader->data, reader->size, 0, true);
        return;
    }
    int errcode = 0;
    mp_stream_seek(reader->file, 0, MP_SEEK_SET, &errcode);
    vstr_t window;
    vstr_init(&window, SSL_WINDOW_LEN);
    size_t base = 0;
    for (;;) {
        size_t want = window.alloc - window.len;
        size_t got = mp_stream_read_exactly(reader->file, window.buf + window.len, want, &errcode);
        if (errcode != 0) {
            mp_raise_OSError(errcode);
        }
        window.len += got;
        bool final = got < want;
        size_t done = scan(loader, (const byte *)window.buf, window.len, base, final);
        if (final) {
            break;
        }
        if (done == 0) {
            vstr_hint_size(&window, window.alloc);
        }
        memmove(window.buf, window.buf + done, window.len - done);
        window.len -= done;
        base += done;
    }
    vstr_clear(&window);
}

// Whether two records of a store hold the same bytes.
static bool ssl_reader_equal(ssl_reader_t *reader, size_t a, size_t b, size_t len) {
    byte *bufs = reader->data != NULL ? NULL : m_new(byte, 2 * len);
    bool same = memcmp(ssl_reader_at(reader, a, len, bufs), ssl_reader_at(reader, b, len, bufs ? bufs + len : NULL), len) == 0;
    if (bufs != NULL) {
        m_del(byte, bufs, 2 * len);
    }
    return same;
}

// A store: the header and index are checked whole (a corrupt store is refused,
// not half used), each record parsed once. table: the index, in memory.
static void ssl_loader_store(ssl_loader_t *loader, ssl_reader_t *reader, const byte *table, uint32_t count) {
    size_t records = STORE_HEADER_LEN + count * ENTRY_LEN;
    for (uint32_t i = 0; i < count; ++i) {
        const byte *entry = table + i * ENTRY_LEN;
        uint32_t offset = ssl_get_u32(entry + 4);
        uint32_t len = ssl_get_u32(entry + 8);
        loader->position = i + 1;
        if (offset < records || offset > reader->size || len > reader->size - offset) {
            ssl_loader_fail(loader, MP_OBJ_NULL, "trust store entry points outside the store");
        }
        byte *buf = reader->data != NULL ? NULL : m_new(byte, len);
        const byte *record = ssl_reader_at(reader, offset, len, buf);
        ssl_anchor_t anchor;
        if (ssl_anchor_from_record(&anchor, record, len) != 0) {
            ssl_loader_fail(loader, MP_OBJ_NULL, "trust store record is malformed");
        }
        if (ssl_get_u32(entry) != ssl_name_hash(anchor.subject, anchor.subject_len)) {
            ssl_loader_fail(loader, ssl_anchor_subject(&anchor), "trust store entry's hash is not its subject's");
        }
        if (i > 0) {
            const byte *prev = entry - ENTRY_LEN;
            if (ssl_get_u32(prev) > ssl_get_u32(entry)) {
                ssl_loader_fail(loader, ssl_anchor_subject(&anchor), "trust store index is not sorted");
            }
            if (ssl_get_u32(prev) == ssl_get_u32(entry) && ssl_get_u32(prev + 8) == len
                && ssl_reader_equal(reader, ssl_get_u32(prev + 4), offset, len)) {
                ssl_loader_fail(loader, ssl_anchor_subject(&anchor), "trust store holds this CA twice");
            }
        }
        int ret = ssl_entry_check(SOURCE_STORE, record, len);
        if (ret != 0) {
            ssl_loader_skip(loader, ssl_anchor_subject(&anchor), ssl_entry_reason(ret));
        } else {
            ++loader->loaded;
        }
        if (buf != NULL) {
            m_del(byte, buf, len);
        }
    }
}

// The store's header, checked; its index, in place in memory or read from
// the file (kept: a file store's lookups search it). Returns the count.
static uint32_t ssl_store_index(ssl_loader_t *loader, ssl_reader_t *reader, ssl_anchor_source_t *source) {
    byte header[STORE_HEADER_LEN];
    if (reader->size < STORE_HEADER_LEN) {
        ssl_loader_fail(loader, MP_OBJ_NULL, "trust store header is truncated");
    }
    const byte *h = ssl_reader_at(reader, 0, STORE_HEADER_LEN, header);
    if (h[4] != STORE_VERSION) {
        ssl_loader_fail(loader, MP_OBJ_NULL, "trust store of another version (convert the bundle again)");
    }
    uint32_t count = ssl_get_u32(h + 8);
    if (ssl_get_u32(h + 12) != reader->size || count > (reader->size - STORE_HEADER_LEN) / ENTRY_LEN) {
        ssl_loader_fail(loader, MP_OBJ_NULL, "trust store is truncated or has trailing data (its length field differs)");
    }
    if (reader->data != NULL) {
        source->table_start = STORE_HEADER_LEN;
    } else {
        vstr_t table;
        vstr_init_len(&table, count * ENTRY_LEN);
        ssl_reader_at(reader, STORE_HEADER_LEN, count * ENTRY_LEN, (byte *)table.buf);
        source->table = mp_obj_new_bytes_from_vstr(&table);
        source->table_start = 0;
    }
    return count;
}

// The index a bundle's scan built, sorted by subject hash for the lookup's
// binary search (insertion sort: a bundle holds a few hundred CAs, loaded once).
static mp_obj_t ssl_loader_sorted_index(ssl_loader_t *loader) {
    byte *index = (byte *)loader->index.buf;
    size_t count = loader->index.len / ENTRY_LEN;
    for (size_t i = 1; i < count; ++i) {
        byte moving[ENTRY_LEN];
        memcpy(moving, index + i * ENTRY_LEN, ENTRY_LEN);
        size_t j = i;
        for (; j > 0 && ssl_get_u32(index + (j - 1) * ENTRY_LEN) > ssl_get_u32(moving); --j) {
            memcpy(index + j * ENTRY_LEN, index + (j - 1) * ENTRY_LEN, ENTRY_LEN);
        }
        memcpy(index + j * ENTRY_LEN, moving, ENTRY_LEN);
    }
    return mp_obj_new_bytes_from_vstr(&loader->index);
}

// Adds a source: data_obj (bytes read in place) or path (a file read at each
// lookup), read through reader.
static void ssl_anchors_add(mp_obj_ssl_context_t *self, mp_obj_t source_name, ssl_reader_t *reader, mp_obj_t data_obj, mp_obj_t path) {
    ssl_loader_t loader = { .context = self, .source_name = source_name };
    vstr_init(&loader.index, 64);
    ssl_anchor_source_t *source = mp_obj_malloc(ssl_anchor_source_t, &ssl_anchor_source_type);
    source->data = data_obj;
    source->path = path;
    source->table = data_obj;
    byte head[4] = { 0 };
    const byte *start = reader->size >= 4 ? ssl_reader_at(reader, 0, 4, head) : head;
    if (memcmp(start, STORE_MAGIC, 4) == 0) {
        source->kind = SOURCE_STORE;
        source->count = ssl_store_index(&loader, reader, source);
        ssl_loader_store(&loader, reader, ssl_source_table(source), source->count);
    } else {
        // A DER bundle starts with a certificate's SEQUENCE; anything else is
        // text, scanned for PEM blocks.
        bool der = reader->size != 0 && start[0] == (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
        source->kind = der ? SOURCE_DER : SOURCE_PEM;
        ssl_loader_scan(&loader, reader, der ? ssl_scan_der : ssl_scan_pem);
        source->table = ssl_loader_sorted_index(&loader);
        source->table_start = 0;
        source->count = loader.loaded;
    }
    if (loader.loaded == 0) {
        if (loader.position == 0) {
            ssl_loader_fail(&loader, MP_OBJ_NULL, reader->size == 0 ? "no certificate in it (empty)"
                : source->kind == SOURCE_STORE ? "the trust store holds no CA (its converter skipped them all?)"
                : "neither PEM, DER certificates nor an mpssl trust store (whose magic is MPTS)");
        }
        size_t n;
        mp_obj_t *first;
        mp_obj_tuple_get(loader.first_skipped, &n, &first);
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("%s holds no usable CA: entry %d (%s) %s"),
            mp_obj_str_get_str(source_name), (int)MP_OBJ_SMALL_INT_VALUE(first[1]),
            first[2] == mp_const_none ? "" : mp_obj_str_get_str(first[2]), mp_obj_str_get_str(first[3]));
    }
    if (self->anchors == MP_OBJ_NULL) {
        self->anchors = mp_obj_new_list(0, NULL);
    }
    mp_obj_list_append(self->anchors, MP_OBJ_FROM_PTR(source));
    self->anchor_count += loader.loaded;
    mbedtls_ssl_conf_ca_cb(&self->conf, ssl_anchors_lookup, self);
}

// A cafile: indexed through a window, closed whatever happens.
static void ssl_anchors_add_file(mp_obj_ssl_context_t *self, mp_obj_t path) {
    mp_obj_t file = ssl_open_cafile(path);
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        int errcode = 0;
        mp_off_t size = mp_stream_seek(file, 0, MP_SEEK_END, &errcode);
        if (size == (mp_off_t)-1) {
            mp_raise_OSError(errcode);
        }
        ssl_reader_t reader = { .data = NULL, .file = file, .size = size };
        ssl_anchors_add(self, path, &reader, MP_OBJ_NULL, path);
        nlr_pop();
    } else {
        mp_stream_close(file);
        nlr_jump(nlr.ret_val);
    }
    mp_stream_close(file);
}

void mpssl_anchors_load(mp_obj_ssl_context_t *self, mp_obj_t cafile, mp_obj_t cadata) {
    if ((cafile == mp_const_none) == (cadata == mp_const_none)) {
        mp_raise_ValueError(MP_ERROR_TEXT("give exactly one of cafile and cadata"));
    }
    // Upstream's load_verify_locations(cadata) takes the data as its first
    // argument: bytes there are data, as in load_cert_chain.
    if (cafile != mp_const_none && !mp_obj_is_str(cafile)) {
        mp_buffer_info_t buf;
        if (!mp_get_buffer(cafile, &buf, MP_BUFFER_READ)) {
            mp_raise_TypeError(MP_ERROR_TEXT("cafile must be a path (str), or the CA data as bytes"));
        }
        cadata = cafile;
        cafile = mp_const_none;
    }
    mpssl_alloc_watch_start();
    if (cafile != mp_const_none) {
        ssl_anchors_add_file(self, cafile);
        return;
    }
    // cadata that cannot change (bytes, frozen bytes in ROM) is read in
    // place; anything else is copied once.
    if (!mp_obj_is_type(cadata, &mp_type_bytes)) {
        if (!mp_obj_is_str(cadata) && !mp_obj_is_type(cadata, &mp_type_bytearray) && !mp_obj_is_type(cadata, &mp_type_memoryview)) {
            mp_raise_TypeError(MP_ERROR_TEXT("cadata must be str or bytes"));
        }
        mp_buffer_info_t buf;
        mp_get_buffer_raise(cadata, &buf, MP_BUFFER_READ);
        cadata = mp_obj_new_bytes(buf.buf, buf.len);
    }
    mp_buffer_info_t buf;
    mp_get_buffer_raise(cadata, &buf, MP_BUFFER_READ);
    ssl_reader_t reader = { .data = buf.buf, .file = MP_OBJ_NULL, .size = buf.len };
    ssl_anchors_add(self, MP_OBJ_NEW_QSTR(MP_QSTR_cadata), &reader, cadata, MP_OBJ_NULL);
}

// The default CAs: the trust store a firmware froze as _mpssl_ca_bundle.STORE
// (mpssl/manifest.py freezes the system bundle into the unix build), read
// in place; without one, the bundle file MPSSL_DEFAULT_CAFILE.
void mpssl_anchors_load_default(mp_obj_ssl_context_t *self) {
    // volatile: set after nlr_push() and read after a raise came back there.
    mp_obj_t volatile store = MP_OBJ_NULL;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t module = mp_import_name(MP_QSTR__mpssl_ca_bundle, mp_const_none, MP_OBJ_NEW_SMALL_INT(0));
        store = mp_load_attr(module, MP_QSTR_STORE);
        nlr_pop();
    } else if (!mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(((mp_obj_base_t *)nlr.ret_val)->type), MP_OBJ_FROM_PTR(&mp_type_ImportError))) {
        nlr_jump(nlr.ret_val);
    }
    if (store != MP_OBJ_NULL) {
        mpssl_anchors_load(self, mp_const_none, store);
    } else {
        mpssl_anchors_load(self, mp_obj_new_str_from_cstr(MPSSL_DEFAULT_CAFILE), mp_const_none);
    }
}

mp_obj_t mpssl_anchors_stats(mp_obj_ssl_context_t *self) {
    mp_obj_t stats = mp_obj_new_dict(3);
    mp_obj_dict_store(stats, MP_OBJ_NEW_QSTR(MP_QSTR_x509), MP_OBJ_NEW_SMALL_INT(self->anchor_count));
    mp_obj_dict_store(stats, MP_OBJ_NEW_QSTR(MP_QSTR_x509_ca), MP_OBJ_NEW_SMALL_INT(self->anchor_count));
    mp_obj_dict_store(stats, MP_OBJ_NEW_QSTR(MP_QSTR_crl), MP_OBJ_NEW_SMALL_INT(0));
    return stats;
}

mp_obj_t mpssl_anchors_skipped(mp_obj_ssl_context_t *self) {
    if (self->anchors_skipped == MP_OBJ_NULL) {
        return mp_const_empty_tuple;
    }
    size_t n;
    mp_obj_t *items;
    mp_obj_list_get(self->anchors_skipped, &n, &items);
    return mp_obj_new_tuple(n, items);
}

// What the lookup raised during a verification, handed to the connection.
mp_obj_t mpssl_anchors_take_exception(mp_obj_ssl_context_t *self) {
    mp_obj_t exc = self->anchors_exc;
    self->anchors_exc = MP_OBJ_NULL;
    return exc;
}
