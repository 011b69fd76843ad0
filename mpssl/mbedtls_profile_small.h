// The small profile: exactly what the ssl module's documentation promises,
// for boards where flash and RAM are tight. Read after
// mbedtls_config_mpssl.h (select it with MPSSL_PROFILE=small, which names
// this file in MPSSL_MBEDTLS_CONFIG_USER), so it removes what that enables.
//
//   TLS 1.2 client and server, DTLS 1.2 (HelloVerify cookies, replay
//   protection), ECDHE on P-256, ECDSA P-256 and RSA (PKCS#1 v1.5)
//   signatures, pre-shared keys, AES-128-GCM with SHA-256, certificates and
//   keys in DER.
//
// Cipher suites left: TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256,
// TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256 and TLS-PSK-WITH-AES-128-GCM-SHA256. Measured sizes: README, "Footprint".
#ifndef MPSSL_MBEDTLS_PROFILE_SMALL_H
#define MPSSL_MBEDTLS_PROFILE_SMALL_H

// ---- Flash --------------------------------------------------------------

// No TLS 1.3, and so none of what only it needs: the PSA crypto layer, the
// HKDF key schedule, RSA-PSS, the key writer PSA uses to import keys.
#undef MBEDTLS_SSL_PROTO_TLS1_3
#undef MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#undef MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#undef MBEDTLS_PSA_CRYPTO_C
#undef MBEDTLS_HKDF_C
#undef MBEDTLS_PK_WRITE_C
#undef MBEDTLS_PKCS1_V21
#undef MBEDTLS_X509_RSASSA_PSS_SUPPORT

// No DTLS Connection ID (SSLContext.dtls_cid_len is absent).
#undef MBEDTLS_SSL_DTLS_CONNECTION_ID

// No session tickets: a server keeps no ticket keys and issues none. A
// client still resumes TLS 1.2 sessions by session ID with servers that
// cache them.
#undef MBEDTLS_SSL_SESSION_TICKETS
#undef MBEDTLS_SSL_TICKET_C
#undef MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED

// One curve, P-256: the one every TLS peer and certificate authority offers.
#undef MBEDTLS_ECP_DP_SECP384R1_ENABLED
#undef MBEDTLS_ECP_DP_CURVE25519_ENABLED

// One cipher, AES-GCM; one hash, SHA-256. No CBC (so no encrypt-then-MAC),
// no CCM, no ChaCha20-Poly1305, no SHA-224/384/512. Certificates signed
// with SHA-384 or SHA-512 do not verify in this profile.
#undef MBEDTLS_CIPHER_MODE_CBC
#undef MBEDTLS_SSL_ENCRYPT_THEN_MAC
#undef MBEDTLS_CCM_C
#undef MBEDTLS_CHACHA20_C
#undef MBEDTLS_POLY1305_C
#undef MBEDTLS_CHACHAPOLY_C
#undef MBEDTLS_SHA224_C
#undef MBEDTLS_SHA384_C
#undef MBEDTLS_SHA512_C

// Pre-shared keys with AES-128-GCM only: ECDHE-PSK has no GCM suite.
#undef MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED

// The preference list names only the three suites left (the base list
// names suites this profile compiles out, which get_ciphers() would show).
#undef MBEDTLS_SSL_CIPHERSUITES
#define MBEDTLS_SSL_CIPHERSUITES \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, \
    MBEDTLS_TLS_PSK_WITH_AES_128_GCM_SHA256

// DER only: no PEM parser, no Base64.
#undef MBEDTLS_PEM_PARSE_C
#undef MBEDTLS_BASE64_C

// No Mbed TLS error strings: the module's own table names the failures a
// user meets; others read "TLS error -0x....".
#undef MBEDTLS_ERROR_C

// ECDSA signatures take their nonce from the CTR-DRBG (seeded by the
// board's hardware RNG) instead of deriving it (RFC 6979) with HMAC-DRBG.
#undef MBEDTLS_ECDSA_DETERMINISTIC
#undef MBEDTLS_HMAC_DRBG_C

// Smaller, slower code: one AES table of 1 KiB instead of four, and a
// rolled-up SHA-256 compression loop.
#define MBEDTLS_AES_FEWER_TABLES
// AES-GCM and the CTR-DRBG only ever run AES forwards (GCM decrypts with
// the same key stream): no AES decryption code or tables, in flash or RAM.
#define MBEDTLS_BLOCK_CIPHER_NO_DECRYPT
#define MBEDTLS_SHA256_SMALLER

// ---- RAM ----------------------------------------------------------------

// No small-block cache during handshakes (ssl_alloc.c): up to 8 KiB of heap
// bought back for some handshake speed.
#define MPSSL_ALLOC_CACHE_BYTES 0

// Elliptic-curve multiplication keeps Mbed TLS's defaults, as the full
// profile does: a window of 4 and the generator's comb table precomputed in
// flash (MBEDTLS_ECP_FIXED_POINT_OPTIM). Against a window of 2 without the
// table, a TLS 1.2 handshake takes 41% fewer instructions on a 32-bit core
// for 2.2 KB of flash and no more heap (ports/qemu/README.md, "Mbed TLS
// options for 32-bit cores").

// Record buffers (defaults; a build may still set each one).
// Records this end sends carry at most 2 KiB (the base config allows 4):
// 2 KiB less per connection. Our certificate chain must fit in one such
// record (a P-256 leaf and intermediate take about 1 KiB).
#ifndef MPSSL_OUT_CONTENT_LEN
#define MPSSL_OUT_CONTENT_LEN 2048
#endif
// Nor do its application data records: the output buffer never grows.
#ifndef MPSSL_OUT_RECORD_LEN
#define MPSSL_OUT_RECORD_LEN MPSSL_OUT_CONTENT_LEN
#endif
// Records received: at most 8 KiB instead of the 16 KiB the protocol
// allows. A TLS input buffer grows only as records need, so this bounds
// what a peer's large records can take (8 KiB less); a DTLS connection's
// buffer is 8 KiB smaller from the start. Our client asks
// servers for 2 KiB records (max_fragment_length; OpenSSL, GnuTLS and
// Mbed TLS servers agree), and buffers shrink to that once connected. The
// price: a peer that ignores max_fragment_length and sends a record above
// 8 KiB, or a handshake message above 8 KiB (a certificate chain that
// large), fails with "peer sent a malformed or oversized record". Build
// with MPSSL_IN_CONTENT_LEN=16384 to take any peer.
#ifndef MPSSL_IN_CONTENT_LEN
#define MPSSL_IN_CONTENT_LEN 8192
#endif
#ifndef MPSSL_MAX_FRAGMENT_LENGTH
#define MPSSL_MAX_FRAGMENT_LENGTH 2048
#endif

#endif // MPSSL_MBEDTLS_PROFILE_SMALL_H
