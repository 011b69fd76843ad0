# TLS 1.3 session resumption (full profile) between a client and a server in
# one process: the client's session is there only once data has been read
# (the ticket arrives after the handshake); a connection offering it is
# resumed, and both ends say so.
import ssl
import mpssl_testcerts as C
from mpssl_testpipe import tls_pair, transfer

if "TLS_AES_128_GCM_SHA256" not in ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).get_ciphers():
    print("SKIP")
    raise SystemExit

server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server_ctx.load_cert_chain(C.SERVER_EC_CERT, C.SERVER_EC_KEY)
client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
client_ctx.verify_mode = ssl.CERT_REQUIRED
client_ctx.load_verify_locations(cadata=C.CA)
session = None
for label in ("full", "resumed", "resumed again"):
    client, server = tls_pair(client_ctx, server_ctx, "localhost", session)
    print(label, transfer(client, server, b"ping"))
    before = client.session
    print(" ", transfer(server, client, b"pong"), client.cipher()[1], client.session_reused, server.session_reused)
    session = client.session
    print("  session before and after reading:", before, type(session).__name__)
    client.close()
    server.close()
