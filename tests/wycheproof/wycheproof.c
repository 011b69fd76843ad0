// Project Wycheproof's test vectors against our Mbed TLS build (our configuration,
// mpssl/mbedtls_config_mpssl.h, and our patches): every vector of one file, as lines
// tests/wycheproof/convert.py makes from it, read from standard input. Each primitive is
// reached through the Mbed TLS functions TLS and X.509 use: ECDSA verification
// (mbedtls_ecdsa_read_signature for DER signatures, mbedtls_ecdsa_verify for P1363's r||s),
// ECDH (mbedtls_ecdh_compute_shared after mbedtls_ecp_check_pubkey, public keys as points or
// parsed from SubjectPublicKeyInfo by mbedtls_pk_parse_public_key), X25519, AES-GCM and
// ChaCha20-Poly1305 (encryption and authenticated decryption), RSA PKCS#1 v1.5 and PSS
// verification (mbedtls_pk_verify, mbedtls_pk_verify_ext).
//
// Verdicts: a "valid" vector must be accepted with Wycheproof's result (shared secret,
// ciphertext and tag, plaintext); an "invalid" one refused; an "acceptable" one either
// refused or accepted with Wycheproof's result. A failure names the file and the tcId.
// known-deviations.txt lists the vectors where upstream Mbed TLS 3.6.7 departs from
// Wycheproof (with why): those are printed and counted apart, and one listed that conforms
// fails too (the list must stay true). Prints the vectors run (and skipped, with why) for the
// file; exit status 0 if none failed.
//
// Left out (files.txt lists what runs): what our configuration does not enable (SHA-1, SHA-3,
// SHAKE, SHA-512/224 and /256, secp256k1, AES-GCM-SIV, XChaCha20), the same keys in PEM,
// JWK and WebCrypto encodings, X25519 keys in ASN.1 (Mbed TLS 3.6 parses none), and PSS keys
// with RSASSA-PSS parameters in their SubjectPublicKeyInfo (the *_params files: Mbed TLS's
// key parser takes rsaEncryption keys only).
//
// usage: convert.py FILE.json | wycheproof FILE.json known-deviations.txt
// The fields of Mbed TLS's contexts (keys' groups and points) are read directly.
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/chachapoly.h"
#include "mbedtls/ecdh.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/gcm.h"
#include "mbedtls/md.h"
#include "mbedtls/pk.h"
#include "mbedtls/rsa.h"

// What the unix build's objects expect from the module (mpssl/ssl_platform.c, ssl_alloc.c).
void *mpssl_calloc(size_t nmemb, size_t size) {
    return calloc(nmemb, size);
}
void mpssl_free(void *ptr) {
    free(ptr);
}
// The module's entropy source (mpssl/ssl_platform.c): nothing here draws on it for a verdict
// (ECDH's blinding takes rng() below), but the PSA code linked in refers to it.
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen) {
    (void)data;
    for (size_t i = 0; i < len; i++) {
        output[i] = (unsigned char)rand();
    }
    *olen = len;
    return 0;
}

#define MAX_FIELDS 12
#define MAX_BYTES 70000

enum verdict { REFUSED, ACCEPTED, WRONG_RESULT };

typedef struct {
    unsigned char *p;
    size_t len;
} bytes_t;

static const char *file_name;
static unsigned run, failed, skipped, acceptable_refused, known;
// This file's line of known-deviations.txt: " TCID TCID ... " and why, or empty.
static char known_ids[8192] = " ", known_why[256];

static void read_known_deviations(const char *path) {
    static char line[sizeof(known_ids)];
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        char *bar = strchr(line, '|');
        size_t name_len = strcspn(line, " ");
        if (line[0] == '#' || bar == NULL || name_len != strlen(file_name)
            || strncmp(line, file_name, name_len) != 0) {
            continue;
        }
        *bar = '\0';
        snprintf(known_ids, sizeof(known_ids), "%s ", line + name_len);
        snprintf(known_why, sizeof(known_why), "%s", bar + 1 + strspn(bar + 1, " "));
        known_why[strcspn(known_why, "\n")] = '\0';
    }
    fclose(f);
}

// Is this tcId listed as a known deviation of this file?
static int known_deviation(const char *tc_id) {
    char needle[32];
    snprintf(needle, sizeof(needle), " %s ", tc_id);
    return strstr(known_ids, needle) != NULL;
}

static int rng(void *ctx, unsigned char *buf, size_t len) {
    (void)ctx;
    for (size_t i = 0; i < len; i++) {
        buf[i] = (unsigned char)rand();
    }
    return 0;
}

// Hex (or "-" for nothing) to bytes, into a fresh buffer; exits on bad input (a converter bug).
static bytes_t unhex(const char *hex) {
    bytes_t b = { calloc(1, strlen(hex) / 2 + 1), 0 };
    if (strcmp(hex, "-") == 0) {
        return b;
    }
    for (; hex[0] && hex[1]; hex += 2) {
        unsigned v;
        if (sscanf(hex, "%2x", &v) != 1) {
            fprintf(stderr, "%s: bad hex field\n", file_name);
            exit(2);
        }
        b.p[b.len++] = (unsigned char)v;
    }
    return b;
}

static mbedtls_md_type_t md_type(const char *name) {
    static const struct {
        const char *name;
        mbedtls_md_type_t type;
    } hashes[] = {
        { "SHA-224", MBEDTLS_MD_SHA224 }, { "SHA-256", MBEDTLS_MD_SHA256 },
        { "SHA-384", MBEDTLS_MD_SHA384 }, { "SHA-512", MBEDTLS_MD_SHA512 },
    };
    for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
        if (strcmp(name, hashes[i].name) == 0) {
            return hashes[i].type;
        }
    }
    fprintf(stderr, "%s: hash %s is not handled\n", file_name, name);
    exit(2);
}

static mbedtls_ecp_group_id curve_id(const char *name) {
    if (strcmp(name, "secp256r1") == 0) {
        return MBEDTLS_ECP_DP_SECP256R1;
    }
    if (strcmp(name, "secp384r1") == 0) {
        return MBEDTLS_ECP_DP_SECP384R1;
    }
    fprintf(stderr, "%s: curve %s is not handled\n", file_name, name);
    exit(2);
}

// The message's hash; its length in *len.
static void hash(const char *name, const bytes_t *msg, unsigned char out[64], size_t *len) {
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(md_type(name));
    *len = mbedtls_md_get_size(md);
    mbedtls_md(md, msg->p, msg->len, out);
}

// f[0..3]: der|p1363 curve hash point; v[0..1]: msg sig
static enum verdict ecdsa(char **f, bytes_t *v) {
    mbedtls_ecdsa_context key;
    mbedtls_mpi r, s;
    unsigned char digest[64];
    size_t digest_len;
    bytes_t point = unhex(f[3]);
    int ret;

    mbedtls_ecdsa_init(&key);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    hash(f[2], &v[0], digest, &digest_len);
    ret = mbedtls_ecp_group_load(&key.grp, curve_id(f[1]));
    if (ret == 0) {
        ret = mbedtls_ecp_point_read_binary(&key.grp, &key.Q, point.p, point.len);
    }
    if (ret == 0) {
        ret = mbedtls_ecp_check_pubkey(&key.grp, &key.Q);
    }
    if (ret == 0 && strcmp(f[0], "der") == 0) {
        ret = mbedtls_ecdsa_read_signature(&key, digest, digest_len, v[1].p, v[1].len);
    } else if (ret == 0) {
        // r || s, each exactly the size of the group order
        size_t half = (key.grp.nbits + 7) / 8;
        ret = v[1].len != 2 * half ? -1 : 0;
        if (ret == 0) {
            ret = mbedtls_mpi_read_binary(&r, v[1].p, half);
        }
        if (ret == 0) {
            ret = mbedtls_mpi_read_binary(&s, v[1].p + half, half);
        }
        if (ret == 0) {
            ret = mbedtls_ecdsa_verify(&key.grp, digest, digest_len, &key.Q, &r, &s);
        }
    }
    mbedtls_ecdsa_free(&key);
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    free(point.p);
    return ret == 0 ? ACCEPTED : REFUSED;
}

// The shared secret d * Q on grp, compared with `shared`.
static enum verdict ecdh_shared(mbedtls_ecp_group *grp, const mbedtls_ecp_point *Q, const mbedtls_mpi *d,
                                const bytes_t *shared) {
    mbedtls_mpi z;
    unsigned char out[66];
    size_t len = (grp->pbits + 7) / 8;
    int ret;
    mbedtls_mpi_init(&z);
    ret = mbedtls_ecp_check_pubkey(grp, Q);
    if (ret == 0) {
        ret = mbedtls_ecp_check_privkey(grp, d);
    }
    if (ret == 0) {
        ret = mbedtls_ecdh_compute_shared(grp, &z, Q, d, rng, NULL);
    }
    if (ret == 0) {
        ret = grp->id == MBEDTLS_ECP_DP_CURVE25519 ? mbedtls_mpi_write_binary_le(&z, out, len)
                                                    : mbedtls_mpi_write_binary(&z, out, len);
    }
    mbedtls_mpi_free(&z);
    if (ret != 0) {
        return REFUSED;
    }
    return shared->len == len && memcmp(out, shared->p, len) == 0 ? ACCEPTED : WRONG_RESULT;
}

// f[0..1]: ecpoint|asn curve; v[0..2]: public private shared
static enum verdict ecdh(char **f, bytes_t *v) {
    mbedtls_ecp_group grp;
    mbedtls_ecp_point Q;
    mbedtls_mpi d;
    mbedtls_pk_context pk;
    enum verdict verdict = REFUSED;
    int ret;

    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&Q);
    mbedtls_mpi_init(&d);
    mbedtls_pk_init(&pk);
    ret = mbedtls_ecp_group_load(&grp, curve_id(f[1]));
    if (ret == 0 && strcmp(f[0], "ecpoint") == 0) {
        ret = mbedtls_ecp_point_read_binary(&grp, &Q, v[0].p, v[0].len);
    } else if (ret == 0) {
        // SubjectPublicKeyInfo: an EC key on this very curve
        ret = mbedtls_pk_parse_public_key(&pk, v[0].p, v[0].len);
        if (ret == 0 && (mbedtls_pk_get_type(&pk) != MBEDTLS_PK_ECKEY
                         || mbedtls_pk_ec(pk)->grp.id != grp.id)) {
            ret = -1;
        }
        if (ret == 0) {
            ret = mbedtls_ecp_copy(&Q, &mbedtls_pk_ec(pk)->Q);
        }
    }
    if (ret == 0) {
        ret = mbedtls_mpi_read_binary(&d, v[1].p, v[1].len);
    }
    if (ret == 0) {
        verdict = ecdh_shared(&grp, &Q, &d, &v[2]);
    }
    mbedtls_pk_free(&pk);
    mbedtls_ecp_group_free(&grp);
    mbedtls_ecp_point_free(&Q);
    mbedtls_mpi_free(&d);
    return verdict;
}

// v[0..2]: public private shared (little-endian u-coordinates and scalar, RFC 7748)
static enum verdict xdh(char **f, bytes_t *v) {
    mbedtls_ecp_keypair key;
    mbedtls_ecp_point Q;
    enum verdict verdict = REFUSED;
    int ret;
    (void)f;

    mbedtls_ecp_keypair_init(&key);
    mbedtls_ecp_point_init(&Q);
    ret = mbedtls_ecp_read_key(MBEDTLS_ECP_DP_CURVE25519, &key, v[1].p, v[1].len);
    if (ret == 0) {
        ret = mbedtls_ecp_point_read_binary(&key.grp, &Q, v[0].p, v[0].len);
    }
    if (ret == 0) {
        verdict = ecdh_shared(&key.grp, &Q, &key.d, &v[2]);
    }
    mbedtls_ecp_keypair_free(&key);
    mbedtls_ecp_point_free(&Q);
    return verdict;
}

// f[0]: gcm|chachapoly; v[0..5]: key iv aad msg ct tag. Decryption must give msg back; for an
// accepted vector, encryption must give ct and tag too.
static enum verdict aead(char **f, bytes_t *v) {
    static unsigned char out[MAX_BYTES], tag[16];
    bytes_t *key = &v[0], *iv = &v[1], *aad = &v[2], *msg = &v[3], *ct = &v[4], *want_tag = &v[5];
    int ret;

    if (ct->len != msg->len || ct->len > sizeof(out)) {
        return REFUSED;
    }
    if (strcmp(f[0], "gcm") == 0) {
        mbedtls_gcm_context ctx;
        mbedtls_gcm_init(&ctx);
        ret = mbedtls_gcm_setkey(&ctx, MBEDTLS_CIPHER_ID_AES, key->p, (unsigned)key->len * 8);
        if (ret == 0) {
            ret = mbedtls_gcm_auth_decrypt(&ctx, ct->len, iv->p, iv->len, aad->p, aad->len,
                                           want_tag->p, want_tag->len, ct->p, out);
        }
        if (ret == 0 && memcmp(out, msg->p, msg->len) != 0) {
            ret = 1;
        }
        if (ret == 0) {
            ret = mbedtls_gcm_crypt_and_tag(&ctx, MBEDTLS_GCM_ENCRYPT, msg->len, iv->p, iv->len,
                                            aad->p, aad->len, msg->p, out, want_tag->len, tag);
            ret = ret != 0 ? ret : (memcmp(out, ct->p, ct->len) != 0 || memcmp(tag, want_tag->p, want_tag->len) != 0);
        }
        mbedtls_gcm_free(&ctx);
    } else {
        mbedtls_chachapoly_context ctx;
        // Mbed TLS takes exactly a 256-bit key, a 96-bit nonce and a 128-bit tag.
        if (key->len != 32 || iv->len != 12 || want_tag->len != 16) {
            return REFUSED;
        }
        mbedtls_chachapoly_init(&ctx);
        ret = mbedtls_chachapoly_setkey(&ctx, key->p);
        if (ret == 0) {
            ret = mbedtls_chachapoly_auth_decrypt(&ctx, ct->len, iv->p, aad->p, aad->len,
                                                  want_tag->p, ct->p, out);
        }
        if (ret == 0 && memcmp(out, msg->p, msg->len) != 0) {
            ret = 1;
        }
        if (ret == 0) {
            ret = mbedtls_chachapoly_encrypt_and_tag(&ctx, msg->len, iv->p, aad->p, aad->len,
                                                     msg->p, out, tag);
            ret = ret != 0 ? ret : (memcmp(out, ct->p, ct->len) != 0 || memcmp(tag, want_tag->p, 16) != 0);
        }
        mbedtls_chachapoly_free(&ctx);
    }
    // A decryption that succeeded with another plaintext, or an encryption that differs, is a
    // wrong result, not a refusal.
    return ret == 0 ? ACCEPTED : ret == 1 ? WRONG_RESULT : REFUSED;
}

// rsa-pkcs1: f[0..1] hash key; rsa-pss: f[0..3] hash mgf1-hash salt-length key; v: msg sig
static enum verdict rsa(int pss, char **f, bytes_t *v) {
    mbedtls_pk_context pk;
    unsigned char digest[64];
    size_t digest_len;
    bytes_t der = unhex(f[pss ? 3 : 1]);
    int ret;

    mbedtls_pk_init(&pk);
    hash(f[0], &v[0], digest, &digest_len);
    ret = mbedtls_pk_parse_public_key(&pk, der.p, der.len);
    if (ret == 0 && mbedtls_pk_get_type(&pk) != MBEDTLS_PK_RSA) {
        ret = -1;
    }
    if (ret == 0 && pss) {
        mbedtls_pk_rsassa_pss_options opts = { md_type(f[1]), atoi(f[2]) };
        ret = mbedtls_pk_verify_ext(MBEDTLS_PK_RSASSA_PSS, &opts, &pk, md_type(f[0]), digest,
                                    digest_len, v[1].p, v[1].len);
    } else if (ret == 0) {
        ret = mbedtls_pk_verify(&pk, md_type(f[0]), digest, digest_len, v[1].p, v[1].len);
    }
    mbedtls_pk_free(&pk);
    free(der.p);
    return ret == 0 ? ACCEPTED : REFUSED;
}

// One line: its kind's group fields, then tcId, the verdict and the vector's fields.
static void vector(char **field, size_t count) {
    static const struct {
        const char *kind;
        size_t group_fields, vector_fields;
    } kinds[] = {
        { "ecdsa", 4, 2 }, { "ecdh", 2, 3 }, { "xdh", 0, 3 }, { "aead", 1, 6 },
        { "rsa-pkcs1", 2, 2 }, { "rsa-pss", 4, 2 },
    };
    size_t k = 0;
    while (k < sizeof(kinds) / sizeof(kinds[0]) && strcmp(field[0], kinds[k].kind) != 0) {
        k++;
    }
    if (k == sizeof(kinds) / sizeof(kinds[0]) || count != 3 + kinds[k].group_fields + kinds[k].vector_fields) {
        fprintf(stderr, "%s: line of kind %s with %zu fields not understood\n", file_name, field[0], count);
        exit(2);
    }
    char **group = field + 1;
    const char *tc_id = group[kinds[k].group_fields];
    const char *expected = group[kinds[k].group_fields + 1];
    bytes_t v[6];
    for (size_t i = 0; i < kinds[k].vector_fields; i++) {
        v[i] = unhex(group[kinds[k].group_fields + 2 + i]);
    }
    enum verdict got;
    switch (k) {
        case 0: got = ecdsa(group, v); break;
        case 1: got = ecdh(group, v); break;
        case 2: got = xdh(group, v); break;
        case 3: got = aead(group, v); break;
        default: got = rsa(k == 5, group, v); break;
    }
    for (size_t i = 0; i < kinds[k].vector_fields; i++) {
        free(v[i].p);
    }

    static const char *const names[] = { "refused", "accepted", "accepted with a wrong result" };
    int ok;
    if (strcmp(expected, "valid") == 0) {
        ok = got == ACCEPTED;
    } else if (strcmp(expected, "invalid") == 0) {
        ok = got == REFUSED;
    } else if (strcmp(expected, "acceptable") == 0) {
        ok = got != WRONG_RESULT;
        acceptable_refused += got == REFUSED;
    } else {
        fprintf(stderr, "%s: verdict %s not understood\n", file_name, expected);
        exit(2);
    }
    run++;
    if (!ok && known_deviation(tc_id)) {
        known++;
        printf("known %s tcId %s: Wycheproof says %s, Mbed TLS %s (%s)\n", file_name, tc_id, expected,
               names[got], known_why);
    } else if (!ok) {
        failed++;
        printf("FAIL %s tcId %s: Wycheproof says %s, ours %s\n", file_name, tc_id, expected, names[got]);
    } else if (known_deviation(tc_id)) {
        failed++;
        printf("FAIL %s tcId %s: listed in known-deviations.txt, but conforms now (%s): "
               "take it off the list\n", file_name, tc_id, expected);
    }
}

int main(int argc, char **argv) {
    static char line[4 * MAX_BYTES];
    if (argc != 3) {
        fprintf(stderr, "usage: convert.py FILE.json | %s FILE.json known-deviations.txt\n", argv[0]);
        return 2;
    }
    file_name = argv[1];
    read_known_deviations(argv[2]);
    while (fgets(line, sizeof(line), stdin) != NULL) {
        char *field[MAX_FIELDS + 1];
        size_t count = 0;
        for (char *tok = strtok(line, " \n"); tok != NULL && count <= MAX_FIELDS; tok = strtok(NULL, " \n")) {
            field[count++] = tok;
        }
        if (count == 0) {
            continue;
        }
        if (strcmp(field[0], "skip") == 0 && count == 3) {
            skipped += (unsigned)atoi(field[1]);
            printf("%s: %s vectors skipped: %s\n", file_name, field[1], field[2]);
            continue;
        }
        vector(field, count);
    }
    printf("%s: %u vectors run, %u failed, %u known deviations, %u skipped (%u acceptable ones refused)\n",
           file_name, run, failed, known, skipped, acceptable_refused);
    return failed != 0 || run == 0;
}
