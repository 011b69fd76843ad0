# A CERT_REQUIRED server rejects a client that presents no certificate, and one whose
# certificate comes from an unknown CA; both ends see the connection fail.
import ssl
import sys

sys.path.append("../ssl")  # run-multitests.py runs tests from this directory
from _common import client_context, client_exchange, listen, path, server_context, server_exchange

CLIENTS = (None, "client_unknownca")


def instance0():
    ctx = server_context(mode=ssl.CERT_REQUIRED)
    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    for cert in CLIENTS:
        print(cert, server_exchange(lsock, ctx))
    lsock.close()


def instance1():
    multitest.next()
    for cert in CLIENTS:
        ctx = client_context()
        if cert:
            ctx.load_cert_chain(path(cert + ".crt.pem"), path(cert + ".key.pem"))
        print(cert, client_exchange(ctx, PORT))
