// Mbed TLS configuration for mpssl, the MicroPython ssl module.
//
// Only what the module uses is compiled in: every option below is here for
// a reason written beside it. A firmware author trims further by undefining
// options in a header named by MPSSL_MBEDTLS_CONFIG_USER (see the README).
#ifndef MPSSL_MBEDTLS_CONFIG_H
#define MPSSL_MBEDTLS_CONFIG_H

#include <stddef.h>

// ---- Platform ---------------------------------------------------------------

// Every Mbed TLS allocation goes through mpssl_calloc/mpssl_free
// (mpssl/ssl_platform.c): MicroPython's GC heap via its tracked allocator, so
// a device needs no libc malloc and the heap used by TLS is visible to gc.
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
void *mpssl_calloc(size_t nmemb, size_t size);
void mpssl_free(void *ptr);
#define MBEDTLS_PLATFORM_CALLOC_MACRO mpssl_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO mpssl_free

// Entropy comes from the port (mbedtls_hardware_poll in ssl_platform.c);
// Mbed TLS must not go looking for /dev/urandom itself.
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

// Certificate validity dates are checked against the port's clock, turned
// into a UTC date by our own gmtime_r (mpssl/ssl_platform.c): glibc's loads
// the time zone database on first use, through a 4 KiB stdio buffer, in the
// middle of the first handshake.
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_GMTIME_R_ALT

// Assembly multiply-accumulate for bignum (big win for RSA and ECC).
#define MBEDTLS_HAVE_ASM

// Deprecated interfaces are neither needed nor wanted.
#define MBEDTLS_DEPRECATED_REMOVED

// ---- TLS and DTLS protocols -------------------------------------------------

#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_2
// TLS 1.3 runs its crypto through the PSA API.
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_PSA_CRYPTO_C
// Each TLS 1.3 handshake in flight holds PSA key slots: let the key store
// grow with the number of connections instead of failing at 32.
#define MBEDTLS_PSA_KEY_STORE_DYNAMIC
// Every key is volatile (no key storage, no built-in keys): the cache for
// persistent keys, 32 slots and 1.8 KB by default, needs one slot.
#define MBEDTLS_PSA_KEY_SLOT_COUNT 1
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
// Middlebox compatibility (dummy ChangeCipherSpec, legacy session id), as
// every mainstream TLS 1.3 stack sends it.
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
// DTLS 1.2 with HelloVerify cookies (server side) and replay protection.
#define MBEDTLS_SSL_PROTO_DTLS
#define MBEDTLS_SSL_DTLS_HELLO_VERIFY
#define MBEDTLS_SSL_COOKIE_C
#define MBEDTLS_SSL_DTLS_ANTI_REPLAY
// DTLS Connection ID (RFC 9146, not the draft's format): records carry an ID
// the receiver chose, so a connection survives the peer's address changing
// (NAT rebinding). Off unless a context asks (SSLContext.dtls_cid_len,
// mpssl/ssl_cid.c).
#define MBEDTLS_SSL_DTLS_CONNECTION_ID
// A record that fails authentication is answered with a bad_record_mac
// alert before the connection closes (RFC 5246 7.2.2, RFC 8446 5.2), as
// OpenSSL and Mbed TLS's default build do, not with a bare TCP close. Other
// fatal alerts (decode_error, record_overflow...) are sent without it.
// DTLS still drops such records silently (RFC 6347 4.1.2.7).
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES
// RFC 7627 and RFC 7366: on by default in every peer we talk to.
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
// server_hostname sets SNI; a server may choose its certificate from it.
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
// set_alpn_protocols(): HTTP/2 and MQTT on port 443 need ALPN (RFC 7301).
#define MBEDTLS_SSL_ALPN
// Lets a constrained client ask for smaller records (RFC 6066).
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
// getpeercert() needs the peer's certificate after the handshake.
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
// Renegotiation stays off: it is refused, as secure defaults require.
// Session resumption (mpssl/ssl_session.c): clients resume with session IDs
// or tickets, servers issue tickets (RFC 5077 in TLS 1.2, NewSessionTicket
// in TLS 1.3) sealed with per-context keys, and keep no per-client state.
// TLS 1.3 resumes only with a fresh (EC)DHE exchange (psk_dhe_ke), keeping
// forward secrecy; the PSK-only mode stays off.
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_TICKET_C
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED

// Record buffer sizes (MPSSL_IN_CONTENT_LEN, MPSSL_OUT_CONTENT_LEN,
// MPSSL_MAX_FRAGMENT_LENGTH) are settled at the end of this file, after the
// profile, which may choose other defaults. Buffers are full size during a
// handshake and shrink afterwards to the record size agreed with the peer:
// with max_fragment_length 4096 an established connection keeps about
// 8.3 KiB of buffers instead of 20.6 (patches/mbedtls/0013 makes this so
// in TLS 1.3 too, and trims the room kept for a record's expansion).
#define MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH

// ---- Key exchange and signatures --------------------------------------------

// Forward secrecy only: no static-RSA key exchange.
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
// Pre-shared keys (mpssl/ssl_psk.c) in TLS 1.2 and DTLS 1.2: plain PSK, the
// CoAP and LwM2M profile (RFC 7252: AES-128-CCM-8), and ECDHE-PSK for
// forward secrecy. A TLS 1.3 external PSK always comes with an (EC)DHE
// exchange (psk_dhe_ke, enabled above). Clients offer these suites only
// when a PSK is set, and servers pick them only when they have a way to
// find one.
#define MBEDTLS_KEY_EXCHANGE_PSK_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED

#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
// RFC 6979 signatures: no dependence on the RNG's quality when signing.
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_HMAC_DRBG_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
// Fast reduction modulo the NIST primes.
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_BIGNUM_C

#define MBEDTLS_RSA_C
// PKCS#1 v1.5 for TLS 1.2 and certificates, PSS for TLS 1.3.
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT

// ---- Ciphers and hashes -----------------------------------------------------

#define MBEDTLS_CIPHER_C
#define MBEDTLS_AES_C
// AES-NI and carry-less multiply on x86-64, ignored elsewhere.
#if defined(__x86_64__) || defined(__amd64__)
#define MBEDTLS_AESNI_C
#endif
#define MBEDTLS_GCM_C
// AES-CCM(-8) is what CoAP and LwM2M devices negotiate over DTLS.
#define MBEDTLS_CCM_C
#define MBEDTLS_CIPHER_MODE_CBC
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C

#define MBEDTLS_MD_C
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
// TLS 1.3 key schedule.
#define MBEDTLS_HKDF_C

// The suites offered, in order of preference: AEAD first, AES-GCM ahead of
// ChaCha20 (AES-NI makes it the fastest where it exists, and it is what
// servers prefer), CCM for CoAP/LwM2M peers, CBC with SHA-2 last; then the
// PSK suites, in the same order. No RSA key exchange, no SHA-1, no static
// DH. get_ciphers() returns this list.
#define MBEDTLS_SSL_CIPHERSUITES \
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256, \
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384, \
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, \
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_CCM, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, \
    MBEDTLS_TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256, \
    MBEDTLS_TLS_PSK_WITH_AES_128_GCM_SHA256, \
    MBEDTLS_TLS_PSK_WITH_AES_256_GCM_SHA384, \
    MBEDTLS_TLS_PSK_WITH_CHACHA20_POLY1305_SHA256, \
    MBEDTLS_TLS_PSK_WITH_AES_128_CCM, \
    MBEDTLS_TLS_PSK_WITH_AES_128_CCM_8, \
    MBEDTLS_TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256, \
    MBEDTLS_TLS_PSK_WITH_AES_128_CBC_SHA256

// ---- Certificates and keys --------------------------------------------------

#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
// The PSA bridge for TLS 1.3 exports keys through the writer.
#define MBEDTLS_PK_WRITE_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
// Trusted CAs are looked up by the issuer a chain needs, and parsed then
// (mpssl/ssl_truststore.c), instead of a list parsed at load time.
#define MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK
// PEM as well as DER, for certificates and keys alike.
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_BASE64_C

// Readable messages for errors our own table does not name.
#define MBEDTLS_ERROR_C

// A profile (MPSSL_PROFILE=small|full in the build) trims or extends this.
#if defined(MPSSL_PROFILE_HEADER)
#include MPSSL_PROFILE_HEADER
#endif

// Record buffers; each can be set in the build (-DMPSSL_IN_CONTENT_LEN=...).
// The input buffer must hold the largest record a peer may send (16 KiB
// unless it agreed to max_fragment_length) and the largest handshake
// message (the peer's certificate chain); the output buffer bounds the
// records we send, and our own certificate chain must fit in it.
#ifndef MPSSL_IN_CONTENT_LEN
#define MPSSL_IN_CONTENT_LEN 16384
#endif
#ifndef MPSSL_OUT_CONTENT_LEN
#define MPSSL_OUT_CONTENT_LEN 4096
#endif
#define MBEDTLS_SSL_IN_CONTENT_LEN MPSSL_IN_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN MPSSL_OUT_CONTENT_LEN
// A TLS connection's input buffer starts at this many bytes and grows, up to
// MPSSL_IN_CONTENT_LEN plus headers, when a record needs more
// (patches/mbedtls/0015); DTLS takes the full size. 0: full size from the
// start, so that a connection cannot run out of memory once it is set up.
#ifndef MPSSL_IN_BUFFER_INITIAL
#define MPSSL_IN_BUFFER_INITIAL 1024
#endif
#if MPSSL_IN_BUFFER_INITIAL != 0
#if MPSSL_IN_BUFFER_INITIAL < 64
#error "MPSSL_IN_BUFFER_INITIAL must be 0 or at least 64 (a record's headers)"
#endif
#define MBEDTLS_SSL_IN_BUFFER_INITIAL_LEN MPSSL_IN_BUFFER_INITIAL
#endif
// Application data records this end sends carry up to MPSSL_OUT_RECORD_LEN
// bytes: a TLS connection's output buffer, MPSSL_OUT_CONTENT_LEN through the
// handshake, grows for larger writes when the peer agreed to no smaller
// records, into the room the input buffer leaves (both together hold no more
// than fixed buffers would: patches/mbedtls/0017). It needs the input buffer
// to start small (MPSSL_IN_BUFFER_INITIAL); equal to MPSSL_OUT_CONTENT_LEN,
// the output buffer keeps its size.
#ifndef MPSSL_OUT_RECORD_LEN
#define MPSSL_OUT_RECORD_LEN 16384
#endif
#if MPSSL_OUT_RECORD_LEN < MPSSL_OUT_CONTENT_LEN || MPSSL_OUT_RECORD_LEN > 16384
#error "MPSSL_OUT_RECORD_LEN must lie between MPSSL_OUT_CONTENT_LEN and 16384"
#endif
#if MPSSL_OUT_RECORD_LEN > MPSSL_OUT_CONTENT_LEN && MPSSL_IN_BUFFER_INITIAL != 0
#define MBEDTLS_SSL_OUT_APP_DATA_LEN MPSSL_OUT_RECORD_LEN
#endif
// Clients ask servers for records of at most this many bytes (RFC 6066:
// 512, 1024, 2048 or 4096; 0 asks nothing), per context through
// SSLContext.max_fragment_length. It may not exceed either buffer.
#ifndef MPSSL_MAX_FRAGMENT_LENGTH
#define MPSSL_MAX_FRAGMENT_LENGTH 4096
#endif
// A build that asks for a size Mbed TLS cannot use fails here, not at every
// SSLContext a client creates.
#if MPSSL_MAX_FRAGMENT_LENGTH != 0 && MPSSL_MAX_FRAGMENT_LENGTH != 512 && MPSSL_MAX_FRAGMENT_LENGTH != 1024 \
    && MPSSL_MAX_FRAGMENT_LENGTH != 2048 && MPSSL_MAX_FRAGMENT_LENGTH != 4096
#error "MPSSL_MAX_FRAGMENT_LENGTH must be 0, 512, 1024, 2048 or 4096"
#endif
#if MPSSL_MAX_FRAGMENT_LENGTH > MPSSL_IN_CONTENT_LEN || MPSSL_MAX_FRAGMENT_LENGTH > MPSSL_OUT_CONTENT_LEN
#error "MPSSL_MAX_FRAGMENT_LENGTH exceeds a record buffer (MPSSL_IN_CONTENT_LEN, MPSSL_OUT_CONTENT_LEN)"
#endif

#if defined(MPSSL_MBEDTLS_CONFIG_USER)
#include MPSSL_MBEDTLS_CONFIG_USER
#endif

#endif // MPSSL_MBEDTLS_CONFIG_H
