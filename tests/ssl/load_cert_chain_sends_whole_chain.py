# A certificate file holding a chain (leaf first) makes the server send the whole chain: a client
# trusting only the root CA verifies a leaf issued by an intermediate CA. Given the leaf alone,
# the same client fails with "unknown CA".
import ssl
from _common import client_context, data, describe, loopback, path

client = client_context()

ROWS = (
    ("PEM chain path", path("server_chain.chain.pem"), path("server_chain.key.pem")),
    ("DER chain bytes", data("server_chain.chain.der"), data("server_chain.key.der")),
    ("leaf only", path("server_chain.crt.pem"), path("server_chain.key.pem")),
)
for label, cert, key in ROWS:
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    try:
        cs, ss, stats = loopback(server, client)
        print(
            label + ":",
            "ok",
            stats["client_got"],
            cs.getpeercert(True) == data("server_chain.crt.der"),
        )
        cs.close()
        ss.close()
    except Exception as e:
        print(label + ":", describe(e))
