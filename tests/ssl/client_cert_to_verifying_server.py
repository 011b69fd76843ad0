# A client presents its certificate (EC or RSA, PEM path or DER bytes) to an openssl s_server
# that requires one (-Verify 1), over TLS 1.2 and 1.3; without a certificate, or with one from an
# unknown CA, the server refuses the connection and the client gets the fatal alert.
from _common import client_context, data, path, talk

CLIENTS = (
    ("EC PEM path", (path("client_ec.crt.pem"), path("client_ec.key.pem"))),
    ("RSA DER bytes", (data("client_rsa.crt.der"), data("client_rsa.key.der"))),
    ("EC PKCS#8 bytes", (data("client_ec.crt.pem"), data("client_ec.p8.pem"))),
    ("no cert", None),
    ("unknown CA cert", (path("client_unknownca.crt.pem"), path("client_unknownca.key.pem"))),
)
for peer in ("CLIENTAUTH12", "CLIENTAUTH13"):
    for label, creds in CLIENTS:
        ctx = client_context()
        if creds:
            ctx.load_cert_chain(*creds)
        print(peer, label + ":", talk(ctx, peer))
