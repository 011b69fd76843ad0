// mpssl: the MicroPython ssl module on Mbed TLS.
// Types and functions shared between the module's files.
#ifndef MPSSL_MPSSL_H
#define MPSSL_MPSSL_H

#include "py/obj.h"
#include "py/stream.h"

#include "mbedtls/ssl.h"
#include "mbedtls/ssl_cookie.h"
#include "mbedtls/ssl_ticket.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/pk.h"

#include "py/nlr.h"

// A raise comes back through nlr_push() a second time, as longjmp() through
// setjmp(); but MicroPython declares nlr_push() as an ordinary function, so
// the compiler may reuse, after the first return, the stack slots holding
// what the raise's branch reads (seen under clang's sanitizers). Saying it
// returns twice makes the compiler keep them, in every file of ours.
#if !MICROPY_NLR_SETJMP && defined(__GNUC__)
unsigned int(nlr_push)(nlr_buf_t *) __attribute__((returns_twice));
#endif

// The PROTOCOL_* constants: bit 0 selects the server end, bit 1 DTLS.
#define MPSSL_PROTOCOL_SERVER (1 << 0)
#define MPSSL_PROTOCOL_DTLS (1 << 1)
#define MPSSL_PROTOCOL_TLS_CLIENT (0)
#define MPSSL_PROTOCOL_TLS_SERVER (MPSSL_PROTOCOL_SERVER)
#define MPSSL_PROTOCOL_DTLS_CLIENT (MPSSL_PROTOCOL_DTLS)
#define MPSSL_PROTOCOL_DTLS_SERVER (MPSSL_PROTOCOL_DTLS | MPSSL_PROTOCOL_SERVER)

// The CERT_* constants share CPython's values, which are also Mbed TLS's.
#define MPSSL_CERT_NONE (MBEDTLS_SSL_VERIFY_NONE)
#define MPSSL_CERT_OPTIONAL (MBEDTLS_SSL_VERIFY_OPTIONAL)
#define MPSSL_CERT_REQUIRED (MBEDTLS_SSL_VERIFY_REQUIRED)

// DTLS retransmission: first timeout and the cap of its doubling, in ms.
#ifndef MPSSL_DTLS_TIMEOUT_MIN_MS
#define MPSSL_DTLS_TIMEOUT_MIN_MS (1000)
#endif
#ifndef MPSSL_DTLS_TIMEOUT_MAX_MS
#define MPSSL_DTLS_TIMEOUT_MAX_MS (8000)
#endif

// An SSLContext: the configuration shared by the connections it wraps.
typedef struct _mp_obj_ssl_context_t {
    mp_obj_base_t base;
    mbedtls_ssl_config conf;
    mp_obj_t anchors;         // the trusted CAs' sources (ssl_truststore.c), or MP_OBJ_NULL
    mp_obj_t anchors_skipped; // list of the entries loads skipped, or MP_OBJ_NULL
    mp_obj_t anchors_exc;     // what a CA lookup raised inside Mbed TLS, or MP_OBJ_NULL
    size_t anchor_count;
    mbedtls_x509_crt own_chain;
    mbedtls_pk_context own_key;
    #if defined(MBEDTLS_SSL_DTLS_HELLO_VERIFY)
    mbedtls_ssl_cookie_ctx cookies;
    #endif
    #if defined(MBEDTLS_SSL_TICKET_C)
    mbedtls_ssl_ticket_context tickets; // TLS servers: the keys that seal session tickets
    #endif
    int *ciphersuites;     // zero-terminated, or NULL for Mbed TLS's default list
    mp_obj_t verify_callback;
    uint8_t protocol;      // one of MPSSL_PROTOCOL_*
    uint8_t verify_mode;   // one of MPSSL_CERT_*
    uint8_t max_fragment_code; // MBEDTLS_SSL_MAX_FRAG_LEN_* a client asks for
    uint16_t busy;         // connections of this context inside Mbed TLS now (ssl_socket.c)
    size_t connections;    // connections set up on this context and not yet released
    bool finalised;        // __del__ was called: freed, or freed with the last connection
    // CPython's names (ssl_compat.c, ssl_alpn.c, ssl_keylog.c).
    mp_obj_t keylog_filename;     // str, or None
    mp_obj_t sni_callback;        // callable, or None
    const char **alpn_protocols;  // NULL-terminated copies Mbed TLS points to, or NULL
    int16_t minimum_version;      // the TLSVersion values as set (MINIMUM_SUPPORTED...)
    int16_t maximum_version;
    int8_t check_hostname;        // 0 or 1 once set; -1 until then: verify_mode decides
    int8_t dtls_cid_len;   // DTLS Connection ID length asked for, or -1: none (ssl_cid.c)
    // Pre-shared keys (ssl_psk.c): what Python set, None when unset.
    mp_obj_t psk_identity;
    mp_obj_t psk_key;
    mp_obj_t server_psk_keys;     // servers: any object with .get(identity)
    mp_obj_t psk_client_callback; // CPython's set_psk_client_callback()
    mp_obj_t psk_server_callback; // CPython's set_psk_server_callback()
    // ecdsa_sign_callback (ssl_sign_callback.c), and what it raised inside
    // Mbed TLS until the connection that signed takes it (MP_OBJ_NULL: nothing).
    mp_obj_t ecdsa_sign_callback;
    mp_obj_t sign_exc;
} mp_obj_ssl_context_t;

// The life of one connection. Errors are sticky: once FAILED, every call
// raises the same error until close().
typedef enum _ssl_socket_state_t {
    SSL_SOCKET_HANDSHAKING,
    SSL_SOCKET_OPEN,
    SSL_SOCKET_FAILED,
    SSL_SOCKET_CLOSED,
} ssl_socket_state_t;

// What close() or __del__ called from a Python callback inside Mbed TLS
// left for the connection to do once Mbed TLS has returned.
typedef enum _ssl_socket_deferred_t {
    SSL_SOCKET_DEFER_NOTHING,
    SSL_SOCKET_DEFER_RELEASE,  // __del__: free the TLS state
    SSL_SOCKET_DEFER_CLOSE,    // close(): also close the wrapped stream
} ssl_socket_deferred_t;

// Outgoing handshake bytes held back until the flight is complete, so a
// flight leaves in one write, and the records of one write() gathered so
// they leave in one send (see ssl_io.c).
typedef struct _ssl_flight_t {
    byte *buf;
    size_t len;
    size_t sent;
    size_t cap;
    bool gathering;           // a write() is encrypting its records
    bool blocked;             // the stream would not take all of it
} ssl_flight_t;

// An SSLSocket: one TLS or DTLS connection over a MicroPython stream.
typedef struct _mp_obj_ssl_socket_t {
    mp_obj_base_t base;
    mp_obj_ssl_context_t *context;
    mp_obj_t sock;            // the wrapped stream
    mbedtls_ssl_context ssl;
    mp_obj_t peer_cert;       // the peer's certificate as DER bytes once the handshake is over, or None
    ssl_flight_t flight;
    int error;                // the sticky Mbed TLS error in SSL_SOCKET_FAILED
    int sock_errno;           // errno of the wrapped stream's last failure
    uint32_t verify_flags;    // X.509 verification result, collected per chain
    uint32_t timer_start_ms;  // DTLS retransmission timer (ssl_io.c)
    uint32_t timer_int_ms;
    uint32_t timer_fin_ms;
    // Bytes of the caller's last write sealed in a record that Mbed TLS
    // holds unsent (the write would have blocked), or 0 (ssl_socket.c).
    size_t write_owed;
    uint8_t state;            // ssl_socket_state_t
    uint8_t poll_mask;        // the direction the handshake waits for, if not the caller's
    bool peer_closed;         // close_notify or EOF seen: reads return b''
    bool handshake_driven;    // a read, write or handshake call has run it
    bool dtls_flight_sent;    // DTLS: a flight went out (its timer started)
    uint8_t dtls_datagrams_in; // DTLS: datagrams read so far (saturating)
    // Python code runs inside Mbed TLS (verify_callback, a stream written in
    // Python): while busy, nothing may free or change what Mbed TLS holds.
    bool busy;
    uint8_t deferred;         // ssl_socket_deferred_t
    mp_obj_t callback_exc;    // what a callback raised inside Mbed TLS, raised once it has returned; or MP_OBJ_NULL
    bool callback_exc_verify; // ... and it was verify_callback
    // Session resumption (ssl_session.c).
    mp_obj_t session;         // client: the SSLSession last exported, or None
    mp_obj_t server_hostname; // client: the name its sessions are for
    bool session_fresh;       // client: a session or ticket arrived and is not exported yet
    bool session_reused;      // the completed handshake resumed a session
    bool full_handshake;      // the handshake so far exchanged certificates
    // Servers: the context sni_callback chose (ssl_compat.c), or None.
    mp_obj_t sni_context;
    bool in_sni_callback;
    bool psk_refused;         // server: no PSK for the client's identity (ssl_psk.c)
} mp_obj_ssl_socket_t;

extern const mp_obj_type_t mpssl_context_type;
extern const mp_obj_type_t mpssl_tls_context_type;
extern const mp_obj_type_t mpssl_socket_type;
extern const mp_obj_type_t mpssl_session_type;

// ssl_context.c
mp_obj_t mpssl_context_new(mp_int_t protocol, int default_verify_mode);

// ssl_context.c: refuses a change while a connection is inside Mbed TLS.
void mpssl_context_check_idle(mp_obj_ssl_context_t *context);
// ssl_context.c: a connection freed its Mbed TLS state (ssl_socket.c counts
// them up in context->connections).
void mpssl_context_connection_released(mp_obj_ssl_context_t *context);

// ssl_socket.c
// The context's protocol decides which end this is; server_side is only
// accepted by wrap_socket() for compatibility.
mp_obj_t mpssl_socket_new(mp_obj_ssl_context_t *context, mp_obj_t sock, bool do_handshake,
    mp_obj_t server_hostname, mp_obj_t client_id, mp_obj_t session);
// RuntimeError while a callback inside Mbed TLS uses the connection.
void mpssl_socket_check_idle(mp_obj_ssl_socket_t *self);
// A callback raised exc inside Mbed TLS: raised once Mbed TLS has returned.
void mpssl_socket_callback_raised(mp_obj_ssl_socket_t *self, mp_obj_t exc, bool verify);

// ssl_session.c: session resumption (SSLSession, tickets, session_reused).
void mpssl_session_context_init(mp_obj_ssl_context_t *context);
int mpssl_session_context_setup(mp_obj_ssl_context_t *context);
void mpssl_session_context_free(mp_obj_ssl_context_t *context);
void mpssl_session_check(mp_obj_ssl_context_t *context, mp_obj_t session);
void mpssl_session_socket_init(mp_obj_ssl_socket_t *self, mp_obj_t server_hostname);
int mpssl_session_offer(mp_obj_ssl_socket_t *self, mp_obj_t session);
void mpssl_session_handshake_step(mp_obj_ssl_socket_t *self, int state);
void mpssl_session_handshake_over(mp_obj_ssl_socket_t *self);
bool mpssl_session_read_again(mp_obj_ssl_socket_t *self, int ret);
void mpssl_session_socket_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest);

// ssl_cid.c: DTLS Connection ID. The attribute hooks return whether they
// took attr.
bool mpssl_cid_context_attr(mp_obj_ssl_context_t *context, qstr attr, mp_obj_t *dest);
int mpssl_cid_socket_setup(mp_obj_ssl_socket_t *self);
bool mpssl_cid_socket_attr(mp_obj_ssl_socket_t *self, qstr attr, mp_obj_t *dest);

// Whether Mbed TLS's handshake state machine is done, as mbedtls_ssl_handshake()
// decides: mbedtls_ssl_is_handshake_over() already says so while a TLS 1.3
// server still has its session tickets to send, which belong to the
// handshake's last flight (ssl_io.c) and end it (ssl_socket.c).
static inline bool mpssl_handshake_over(const mbedtls_ssl_context *ssl) {
    return ssl->MBEDTLS_PRIVATE(state) == MBEDTLS_SSL_HANDSHAKE_OVER;
}

// ssl_io.c: the glue between Mbed TLS and the wrapped MicroPython stream.
void mpssl_io_attach(mp_obj_ssl_socket_t *self);
int mpssl_io_fd(mp_obj_ssl_socket_t *self);
int mpssl_io_flush(mp_obj_ssl_socket_t *self);
bool mpssl_io_flight_pending(mp_obj_ssl_socket_t *self);
void mpssl_io_release(mp_obj_ssl_socket_t *self);
void mpssl_io_wait(mp_obj_ssl_socket_t *self, int want);
bool mpssl_io_timer_expired(mp_obj_ssl_socket_t *self);
int mpssl_io_gather_begin(mp_obj_ssl_socket_t *self, size_t size);
bool mpssl_io_gather_more(mp_obj_ssl_socket_t *self, size_t left);
int mpssl_io_gather_end(mp_obj_ssl_socket_t *self);

// ssl_psk.c: pre-shared keys, as upstream's attributes and CPython's callbacks.
void mpssl_psk_context_init(mp_obj_ssl_context_t *context);
bool mpssl_psk_attr(mp_obj_ssl_context_t *context, qstr attr, mp_obj_t *dest);
void mpssl_psk_connection_prepare(mp_obj_ssl_context_t *context);
int mpssl_psk_failure(mp_obj_ssl_socket_t *self, int ret);
MP_DECLARE_CONST_FUN_OBJ_2(mpssl_psk_set_client_callback_obj);
MP_DECLARE_CONST_FUN_OBJ_KW(mpssl_psk_set_server_callback_obj);

// ssl_sign_callback.c: ecdsa_sign_callback signs with the context's EC key.
void mpssl_sign_context_init(mp_obj_ssl_context_t *context);
bool mpssl_sign_attr(mp_obj_ssl_context_t *context, qstr attr, mp_obj_t *dest);
void mpssl_sign_key_loaded(mp_obj_ssl_context_t *context);
void mpssl_sign_take_exception(mp_obj_ssl_socket_t *self);

// ssl_certs.c
void mpssl_load_cert_chain(mp_obj_ssl_context_t *self, mp_obj_t certfile, mp_obj_t keyfile);
mp_obj_t mpssl_open_file(mp_obj_t path, const char *what);
mp_obj_t mpssl_cert_der_to_dict(mp_obj_t der);

// ssl_truststore.c: the trusted CAs, looked up during verification.
void mpssl_anchors_load(mp_obj_ssl_context_t *self, mp_obj_t cafile, mp_obj_t cadata);
void mpssl_anchors_load_default(mp_obj_ssl_context_t *self);
mp_obj_t mpssl_anchors_stats(mp_obj_ssl_context_t *self);
mp_obj_t mpssl_anchors_skipped(mp_obj_ssl_context_t *self);
mp_obj_t mpssl_anchors_take_exception(mp_obj_ssl_context_t *self);

// ssl_ciphers.c
mp_obj_t mpssl_ciphers_list(mp_obj_ssl_context_t *self);
void mpssl_ciphers_set(mp_obj_ssl_context_t *self, mp_obj_t names);
mp_obj_t mpssl_cipher_info(const mbedtls_ssl_context *ssl);
bool mpssl_ciphers_usable(mp_obj_ssl_context_t *self, int id, int version);

// ssl_compat.c: CPython's names (TLSVersion, check_hostname, sni_callback,
// create_default_context, the socket's server_side, context...).
extern const mp_obj_type_t mpssl_tls_version_type;
extern const mp_obj_type_t mpssl_purpose_type;
MP_DECLARE_CONST_FUN_OBJ_KW(mpssl_create_default_context_obj);
MP_DECLARE_CONST_FUN_OBJ_1(mpssl_socket_version_obj);
MP_DECLARE_CONST_FUN_OBJ_1(mpssl_socket_pending_obj);
void mpssl_compat_context_init(mp_obj_ssl_context_t *context);
mp_obj_t mpssl_compat_context_load_attr(mp_obj_ssl_context_t *context, qstr attr);
bool mpssl_compat_context_store_attr(mp_obj_ssl_context_t *context, qstr attr, mp_obj_t value);
bool mpssl_compat_hostname_required(mp_obj_ssl_context_t *context);
void mpssl_compat_socket_init(mp_obj_ssl_socket_t *self);
void mpssl_compat_socket_release(mp_obj_ssl_socket_t *self);
void mpssl_compat_socket_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest);
const mbedtls_ssl_context *mpssl_compat_open_ssl(mp_obj_t self_in);

// ssl_alpn.c: set_alpn_protocols() and selected_alpn_protocol().
MP_DECLARE_CONST_FUN_OBJ_2(mpssl_context_set_alpn_protocols_obj);
MP_DECLARE_CONST_FUN_OBJ_1(mpssl_socket_selected_alpn_protocol_obj);

// ssl_keylog.c: keylog_filename's NSS key log lines.
void mpssl_keylog_check(mp_obj_t filename);
void mpssl_keylog_attach(mp_obj_ssl_socket_t *self);

// ssl_errors.c: the one place that turns an Mbed TLS failure into a Python exception.
NORETURN void mpssl_raise(int ret, uint32_t verify_flags);
NORETURN void mpssl_raise_socket_error(mp_obj_ssl_socket_t *self);
// Whether exc is an Exception, not a KeyboardInterrupt, SystemExit or
// GeneratorExit (which reach the caller unchanged, whatever else was raised).
bool mpssl_is_exception(mp_obj_t exc);
void mpssl_raise_if_out_of_memory(void);
NORETURN void mpssl_raise_closed(void);
NORETURN void mpssl_raise_oserror_msg(int code, const char *message);
NORETURN void mpssl_raise_ssl_error_msg(int code, const char *message);
extern const mp_obj_type_t mpssl_ssl_error_type;
extern const mp_obj_type_t mpssl_cert_verification_error_type;
const char *mpssl_str_get_cstr(mp_obj_t str, const char *what);

// ssl_platform.c
int mpssl_rng(void *ctx, unsigned char *out, size_t len);
void mpssl_platform_init(void);

// ssl_alloc.c: every Mbed TLS allocation.
void *mpssl_calloc(size_t nmemb, size_t size);
void mpssl_free(void *ptr);
void mpssl_alloc_handshake_started(void);
void mpssl_alloc_handshake_ended(void);
void mpssl_alloc_reset(void);
void mpssl_alloc_watch_start(void);
void mpssl_alloc_watch_forgive(void);
bool mpssl_alloc_watch_failed(void);

// ssl_testing.c (test builds only)
#if defined(MPSSL_TESTING)
bool mpssl_testing_alloc_allowed(void);
void mpssl_testing_alloc_track(int delta);
void mpssl_testing_alloc_forgiven(void);
#endif

#endif // MPSSL_MPSSL_H
