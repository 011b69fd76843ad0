# A verifying client rejects a server whose certificate comes from an unknown CA, has expired, or
# names another host; then accepts a good one. The server sees each rejection as a failure.
import sys

sys.path.append("../ssl")  # run-multitests.py runs tests from this directory
from _common import client_context, client_exchange, listen, server_context, server_exchange

SERVERS = ("server_unknownca", "server_expired", "server_wronghost", "server_ec")


def instance0():
    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    for cert in SERVERS:
        print(
            cert, server_exchange(lsock, server_context(cert + ".crt.pem", cert + ".key.pem"))[0]
        )
    lsock.close()


def instance1():
    multitest.next()
    ctx = client_context()
    for cert in SERVERS:
        print(cert, client_exchange(ctx, PORT))
