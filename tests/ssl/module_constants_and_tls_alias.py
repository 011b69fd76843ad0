# The ssl module and its tls alias expose the same constants, all distinct, and MBEDTLS_VERSION.
import ssl
import tls

NAMES = (
    "PROTOCOL_TLS_CLIENT",
    "PROTOCOL_TLS_SERVER",
    "PROTOCOL_DTLS_CLIENT",
    "PROTOCOL_DTLS_SERVER",
    "CERT_NONE",
    "CERT_OPTIONAL",
    "CERT_REQUIRED",
)
for name in NAMES:
    value = getattr(ssl, name)
    print(name, type(value).__name__, value == getattr(tls, name))

protocols = [getattr(ssl, n) for n in NAMES[:4]]
modes = [getattr(ssl, n) for n in NAMES[4:]]
print("protocols distinct", len(set(protocols)) == 4)
print("cert modes distinct", len(set(modes)) == 3)
print(
    "CERT_NONE < CERT_OPTIONAL < CERT_REQUIRED",
    ssl.CERT_NONE < ssl.CERT_OPTIONAL < ssl.CERT_REQUIRED,
)

print("MBEDTLS_VERSION", type(ssl.MBEDTLS_VERSION).__name__, ssl.MBEDTLS_VERSION)
print("same in tls", tls.MBEDTLS_VERSION == ssl.MBEDTLS_VERSION)
for name in ("SSLContext", "wrap_socket"):
    print(name, "in ssl", hasattr(ssl, name))
print("SSLContext in tls", hasattr(tls, "SSLContext"))
