# Mutual authentication: a CERT_REQUIRED server verifies the client's EC, then RSA certificate
# against the test CA and the client verifies the server; each side sees the other's certificate.
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

CLIENTS = ("client_ec", "client_rsa")


def instance0():
    ctx = server_context(mode=ssl.CERT_REQUIRED)
    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    for cert in CLIENTS:
        got, client_cert = server_exchange(lsock, ctx)
        print(cert, got, "client cert as CPython reports it", client_cert == peercert(cert))
    lsock.close()


def instance1():
    multitest.next()
    for cert in CLIENTS:
        ctx = client_context()
        ctx.load_cert_chain(path(cert + ".crt.pem"), path(cert + ".key.pem"))
        print(cert, client_exchange(ctx, PORT))
