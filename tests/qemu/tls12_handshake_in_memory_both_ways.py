# A TLS 1.2 client and server in one process over an in-memory pipe: ECDHE
# with ECDSA and with RSA certificates, the client verifying the server,
# application data both ways, then close_notify.
import ssl
import mpssl_testcerts as C
from mpssl_testpipe import tls_pair, transfer

for suite, cert, key in (
    ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", C.SERVER_EC_CERT, C.SERVER_EC_KEY),
    ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", C.SERVER_RSA_CERT, C.SERVER_RSA_KEY),
):
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_ctx.verify_mode = ssl.CERT_REQUIRED
    client_ctx.load_verify_locations(cadata=C.CA)
    client_ctx.set_ciphers([suite])

    client, server = tls_pair(client_ctx, server_ctx, "localhost")
    print(client.cipher())  # None: no handshake yet
    print(transfer(client, server, b"client to server"))
    print(transfer(server, client, b"server to client" * 100) == b"server to client" * 100)
    print(client.cipher())
    print(server.cipher())
    print(client.getpeercert(True) == cert)
    client.close()
    print(server.read(10))  # close_notify reads as end of stream
    server.close()
