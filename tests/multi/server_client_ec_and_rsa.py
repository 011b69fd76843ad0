# Server with an EC P-256, then an RSA-2048 certificate; the client verifies it (CERT_REQUIRED,
# server_hostname) and both exchange data. The client sees the certificate in both forms
# exactly as CPython reports it. Runs micropython|micropython and micropython|cpython both ways.
import sys

sys.path.append("../ssl")  # run-multitests.py runs tests from this directory
from _common import client_context, data, dial, listen, peercert, recv_exact, server_context

CERTS = ("server_ec", "server_rsa")


def instance0():
    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    for cert in CERTS:
        ctx = server_context(cert + ".crt.pem", cert + ".key.pem")
        conn, _ = lsock.accept()
        s = ctx.wrap_socket(conn, server_side=True)
        print(cert, recv_exact(s, 16), s.cipher()[1])
        s.sendall(b"server to client")
        s.close()
    lsock.close()


def instance1():
    multitest.next()
    ctx = client_context()
    for cert in CERTS:
        s = ctx.wrap_socket(dial(PORT), server_hostname="localhost")
        s.sendall(b"client to server")
        print(cert, recv_exact(s, 16), s.cipher()[1])
        print(" cert dict as CPython's", s.getpeercert() == peercert(cert))
        print(" cert DER", s.getpeercert(True) == data(cert + ".crt.der"))
        s.close()
