// The full profile: everything mbedtls_config_mpssl.h enables (TLS 1.2 and
// 1.3, DTLS 1.2, P-256, P-384 and X25519, ECDSA and RSA including PSS,
// AES-GCM, AES-CCM, AES-CBC and ChaCha20-Poly1305, SHA-2, PEM and DER, Mbed
// TLS's error strings) plus session tickets. Select it with
// MPSSL_PROFILE=full, which names this file in MPSSL_MBEDTLS_CONFIG_USER.
#ifndef MPSSL_MBEDTLS_PROFILE_FULL_H
#define MPSSL_MBEDTLS_PROFILE_FULL_H

// Session tickets (RFC 5077, and TLS 1.3's NewSessionTicket): a client
// accepts them; a TLS 1.3 ticket that arrives with data is consumed by
// read(). Issuing them as a server also needs MBEDTLS_SSL_TICKET_C and a
// ticket key set up by the module (mbedtls_ssl_conf_session_tickets_cb).
#define MBEDTLS_SSL_SESSION_TICKETS

#endif // MPSSL_MBEDTLS_PROFILE_FULL_H
