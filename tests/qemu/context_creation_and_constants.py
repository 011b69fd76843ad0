# SSLContext for every protocol, its verify_mode defaults, and bad input.
import ssl
import tls

for name in ("PROTOCOL_TLS_CLIENT", "PROTOCOL_TLS_SERVER", "PROTOCOL_DTLS_CLIENT", "PROTOCOL_DTLS_SERVER"):
    ctx = ssl.SSLContext(getattr(ssl, name))
    print(name, type(ctx).__name__, ctx.verify_mode == ssl.CERT_NONE)

# The tls module's client context verifies by default, as upstream's does.
print(tls.SSLContext(tls.PROTOCOL_TLS_CLIENT).verify_mode == tls.CERT_REQUIRED)

try:
    ssl.SSLContext(99)
except ValueError as e:
    print("ValueError:", e)

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.verify_mode = ssl.CERT_REQUIRED
print(ctx.verify_mode == ssl.CERT_REQUIRED)
try:
    ctx.verify_mode = 7
except ValueError as e:
    print("ValueError:", e)
print(ssl.MBEDTLS_VERSION)
