// The full profile: everything mbedtls_config_mpssl.h enables (TLS 1.2 and
// 1.3, DTLS 1.2, P-256, P-384 and X25519, ECDSA and RSA including PSS,
// AES-GCM, AES-CCM, AES-CBC and ChaCha20-Poly1305, SHA-2, PEM and DER, Mbed
// TLS's error strings, session resumption with server-side tickets), as the
// unix build has it. Select it with MPSSL_PROFILE=full: it adds nothing to
// that configuration, and exists so that a firmware names its profile.
#ifndef MPSSL_MBEDTLS_PROFILE_FULL_H
#define MPSSL_MBEDTLS_PROFILE_FULL_H

#endif // MPSSL_MBEDTLS_PROFILE_FULL_H
