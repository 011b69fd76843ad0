# A session saved as bytes (SSLSession.serialize()) by one client process resumes from
# ssl.SSLSession(data) in another process, as on a device after a reset: TLS 1.2 (session
# ticket) and TLS 1.3 (NewSessionTicket), both ends reporting session_reused and
# getpeercert() giving the server's certificate on the resumed connection. The bytes travel
# as hex in a broadcast. MicroPython only (CPython cannot save a session): on CPython, skipped.
import ssl
import sys

sys.path.append("../ssl")  # run-multitests.py runs tests from this directory
from _common import client_context, data, dial, listen, recv_exact, server_context

SUITES = (["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"], ["TLS_AES_128_GCM_SHA256"])


def skip_on_cpython():
    if not hasattr(ssl.SSLSession, "serialize"):
        multitest.skip()


def instance0():
    skip_on_cpython()
    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    ctx = server_context()
    for label in ("full", "full", "resumed", "resumed"):
        conn, _ = lsock.accept()
        s = ctx.wrap_socket(conn, server_side=True)
        s.write(recv_exact(s, 5).upper())
        print("server", label, s.cipher()[1], "reused:", s.session_reused)
        s.close()
    lsock.close()


def connect(suites, session=None):
    ctx = client_context()
    ctx.set_ciphers(suites)
    s = ctx.wrap_socket(dial(PORT), server_hostname="localhost", session=session)
    s.write(b"hello")
    got = recv_exact(s, 5)  # a TLS 1.3 ticket comes with it
    return s, got


def instance1():
    skip_on_cpython()
    multitest.next()
    blobs = []
    for suites in SUITES:
        s, got = connect(suites)
        blobs.append(s.session.serialize())
        print("first process:", s.cipher()[1], "reused:", s.session_reused, got)
        s.close()
    multitest.broadcast("sessions " + " ".join(b.hex() for b in blobs))


def instance2():
    skip_on_cpython()
    multitest.next()
    while True:  # multitest.wait() drops the broadcast's text
        line = sys.stdin.readline().split()
        if line[:2] == ["BROADCAST", "sessions"]:
            break
    cert = data("server_ec.crt.der")
    for suites, blob in zip(SUITES, line[2:]):
        s, got = connect(suites, ssl.SSLSession(bytes.fromhex(blob)))
        print("new process:", s.cipher()[1], "reused:", s.session_reused, got, s.getpeercert(True) == cert)
        s.close()
