# load_verify_locations(cadata=...) takes PEM text as a str (as CPython does; it used to be
# opened as a file name) and PEM or DER as bytes; cafile takes a path. Each verifies the server.
from _safety import TLS13, server_context, pair, connect, describe
import ssl

CERTS = __import__("_inmemory").CERTS
with open(CERTS + "/ca.crt.pem") as f:
    PEM_TEXT = f.read()
with open(CERTS + "/ca.crt.der", "rb") as f:
    DER = f.read()


def verified_with(**kwargs):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    try:
        ctx.load_verify_locations(**kwargs)
    except Exception as e:
        return "load: " + describe(e)
    client, server = pair(ctx, server_context())
    try:
        return connect(client, server)
    finally:
        client.close()
        server.close()


print("cadata=str (PEM text):", verified_with(cadata=PEM_TEXT))
print("cadata=bytes (PEM):", verified_with(cadata=PEM_TEXT.encode()))
print("cadata=bytes (DER):", verified_with(cadata=DER))
print("cafile=str (path):", verified_with(cafile=CERTS + "/ca.crt.pem"))
print("cadata=str, not PEM:", verified_with(cadata="not a certificate"))
