# PEM is in the full profile only; the small one takes DER alone.
import ssl
import mpssl_testcerts as C

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
full = "TLS_AES_128_GCM_SHA256" in ctx.get_ciphers()
try:
    ctx.load_cert_chain(C.SERVER_EC_CERT_PEM, C.SERVER_EC_KEY_PEM)
    pem = True
except ValueError:
    pem = False
print("PEM accepted exactly in the full profile:", pem == full)
