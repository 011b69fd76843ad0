# TLS 1.3 (full profile) between a client and a server in one process: the
# default negotiation picks it, data flows both ways, X25519 and
# ChaCha20-Poly1305 are there.
import ssl
import mpssl_testcerts as C
from mpssl_testpipe import tls_pair, transfer

if "TLS_AES_128_GCM_SHA256" not in ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).get_ciphers():
    print("SKIP")
    raise SystemExit

server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server_ctx.load_cert_chain(C.SERVER_EC_CERT, C.SERVER_EC_KEY)
for suites in (None, ["TLS_CHACHA20_POLY1305_SHA256"]):
    client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_ctx.verify_mode = ssl.CERT_REQUIRED
    client_ctx.load_verify_locations(cadata=C.CA)
    if suites:
        client_ctx.set_ciphers(suites)
    client, server = tls_pair(client_ctx, server_ctx, "localhost")
    print(transfer(client, server, b"hello over TLS 1.3"))
    print(transfer(server, client, b"x" * 5000) == b"x" * 5000)
    print(client.cipher())
    print(server.cipher())
    client.close()
    server.close()

# A PEM certificate and key, also full-profile only.
server_ctx.load_cert_chain(C.SERVER_EC_CERT_PEM, C.SERVER_EC_KEY_PEM)
client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
client, server = tls_pair(client_ctx, server_ctx)
print(transfer(client, server, b"PEM"))
client.close()
server.close()
