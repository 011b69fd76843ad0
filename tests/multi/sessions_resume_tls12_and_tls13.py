# A client resumes its session with the server that issued it, in TLS 1.2 and TLS 1.3, and
# both ends report it (session_reused); offered to a server with other ticket keys (another
# server context), the session is not resumed and the full handshake carries data as usual.
# Written for either end to be CPython: its client offers the session it read after data,
# its server issues OpenSSL's tickets.
import ssl
import sys

sys.path.append("../ssl")  # run-multitests.py runs tests from this directory
from _common import client_context, dial, listen, recv_exact, server_context

# The connections of each protocol version: the server context (0: the one that issued the
# session, 1: another) and the session the client offers (that of the first connection).
PLAN = (("full", 0), ("resumed", 0), ("other server", 1))


def limit_to_tls12(ctx):
    if hasattr(ctx, "maximum_version"):  # CPython
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    else:  # ours: a list of TLS 1.2 suites only limits the version
        ctx.set_ciphers(["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"])


def instance0():
    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    contexts = (server_context(), server_context())
    for _ in range(2):
        for label, which in PLAN:
            conn, _ = lsock.accept()
            s = contexts[which].wrap_socket(conn, server_side=True)
            s.sendall(recv_exact(s, 5))
            print("server", label, s.cipher()[1], "reused:", s.session_reused)
            s.close()
    lsock.close()


def instance1():
    multitest.next()
    for tls12 in (True, False):
        ctx = client_context()
        if tls12:
            limit_to_tls12(ctx)
        session = None
        for label, _ in PLAN:
            s = ctx.wrap_socket(dial(PORT), server_hostname="localhost", session=session)
            s.sendall(b"hello")
            got = recv_exact(s, 5)
            print("client", label, s.cipher()[1], "reused:", s.session_reused, got)
            if session is None:
                session = s.session
            s.close()
