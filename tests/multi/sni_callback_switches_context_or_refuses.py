# sni_callback as in CPython: called with the socket, the name the client asked for and the
# context; setting sslsocket.context switches to that context's certificate, returning an alert
# number refuses the handshake. Run against CPython's ssl on either end too.
import ssl
import sys

sys.path.append("../ssl")  # run-multitests.py runs tests from this directory
from _common import client_context, data, dial, listen, recv_exact, server_context

NAMES = ("localhost", "rsa.localhost", "refused.localhost", "localhost")


def instance0():
    ec = server_context()
    rsa = server_context("server_rsa.crt.pem", "server_rsa.key.pem")
    seen = []

    def choose(sslsock, name, ctx):
        seen.append((name, ctx is ec, sslsock.server_side, sslsock.context is ec))
        if name == "rsa.localhost":
            sslsock.context = rsa
            seen.append(("switched", sslsock.context is rsa))
        elif name == "refused.localhost":
            return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
        return None

    ec.sni_callback = choose
    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    for _ in NAMES:
        conn, _ = lsock.accept()
        try:
            s = ec.wrap_socket(conn, server_side=True)
            s.sendall(b"served\n")
            s.close()
        except OSError as e:
            print("server refused:", isinstance(e, ssl.SSLError))
            conn.close()
        print("callback saw", seen)
        del seen[:]
    lsock.close()


def instance1():
    multitest.next()
    ctx = client_context(mode=ssl.CERT_NONE)
    for name in NAMES:
        sock = dial(PORT)
        try:
            s = ctx.wrap_socket(sock, server_hostname=name)
            cert = s.getpeercert(True)
            print(name, "rsa" if cert == data("server_rsa.crt.der") else "ec" if cert == data("server_ec.crt.der") else "?", recv_exact(s, 7))
            s.close()
        except OSError as e:
            print(name, "refused:", isinstance(e, ssl.SSLError))
            sock.close()
