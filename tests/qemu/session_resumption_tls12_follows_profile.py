# TLS 1.2 session resumption between a client and a server in one process.
# The full profile's server issues tickets: a connection offering the session
# of the one before is resumed, and both ends say so; offered to another
# server context (other ticket keys), the session is not. The small profile
# has no tickets (and our server no session cache): nothing is resumed, and
# every handshake completes in full.
import ssl
import mpssl_testcerts as C
from mpssl_testpipe import tls_pair, transfer

# The full profile is the one with TLS 1.3.
TICKETS = "TLS_AES_128_GCM_SHA256" in ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).get_ciphers()


def server_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(C.SERVER_EC_CERT, C.SERVER_EC_KEY)
    return ctx


client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
client_ctx.verify_mode = ssl.CERT_REQUIRED
client_ctx.load_verify_locations(cadata=C.CA)
client_ctx.set_ciphers(["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"])
home, other = server_context(), server_context()
session = None
for label, server_ctx, resumes in (("full", home, False), ("resumed", home, TICKETS), ("other", other, False)):
    client, server = tls_pair(client_ctx, server_ctx, "localhost", session)
    print(label, transfer(client, server, b"ping"), transfer(server, client, b"pong"))
    print(" ", client.cipher()[1], client.session_reused == resumes, server.session_reused == resumes)
    print(" ", client.getpeercert(True) == C.SERVER_EC_CERT)
    if session is None:
        session = client.session
        print("  session:", type(session).__name__, server.session)
    client.close()
    server.close()
