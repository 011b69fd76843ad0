# A CERT_OPTIONAL server asks for a client certificate: it accepts a client without one (and
# then has no peer certificate), accepts a valid one, and rejects one that fails verification.
import ssl
import sys

sys.path.append("../ssl")  # run-multitests.py runs tests from this directory
from _common import (
    client_context,
    client_exchange,
    listen,
    path,
    peercert,
    server_context,
    server_exchange,
)

CLIENTS = (None, "client_ec", "client_unknownca")


def instance0():
    ctx = server_context(mode=ssl.CERT_OPTIONAL)
    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    for cert in CLIENTS:
        got, client_cert = server_exchange(lsock, ctx)
        print(cert, got, client_cert if client_cert is None else client_cert == peercert(cert))
    lsock.close()


def instance1():
    multitest.next()
    for cert in CLIENTS:
        ctx = client_context()
        if cert:
            ctx.load_cert_chain(path(cert + ".crt.pem"), path(cert + ".key.pem"))
        print(cert, client_exchange(ctx, PORT))
