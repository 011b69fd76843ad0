# Certificates and keys as DER bytes (the form the documentation asks
# for): EC and RSA pairs, CA certificates, and the failures.
import ssl
import mpssl_testcerts as C

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(C.SERVER_EC_CERT, C.SERVER_EC_KEY)
print("EC pair loaded")
ctx.load_cert_chain(C.SERVER_RSA_CERT, C.SERVER_RSA_KEY)
print("RSA pair loaded")
ctx.load_verify_locations(cadata=C.CA)
ctx.load_verify_locations(cadata=C.UNKNOWN_CA + C.CA)
print("CA certificates loaded")

for label, cert, key in (
    ("garbage cert", b"not a certificate", C.SERVER_EC_KEY),
    ("truncated cert", C.SERVER_EC_CERT[:100], C.SERVER_EC_KEY),
    ("garbage key", C.SERVER_EC_CERT, b"not a key"),
    ("mismatched pair", C.SERVER_EC_CERT, C.CLIENT_EC_KEY),
    ("empty cert", b"", C.SERVER_EC_KEY),
):
    try:
        ctx.load_cert_chain(cert, key)
        print(label, "accepted")
    except ValueError as e:
        print(label, "-> ValueError:", e)

try:
    ctx.load_verify_locations(cadata=b"\x30\x03\x02\x01\x00")
except ValueError as e:
    print("bad cadata -> ValueError:", e)
try:
    ctx.load_verify_locations()
except ValueError as e:
    print("no CA -> ValueError:", e)
try:
    ctx.load_cert_chain(123, C.SERVER_EC_KEY)
except TypeError as e:
    print("TypeError:", e)
