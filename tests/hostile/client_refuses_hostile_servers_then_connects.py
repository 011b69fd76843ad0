# Our TLS client (instance0, CERT_REQUIRED against the test CA) meets one hostile or broken
# server after another (instance1, CPython writing TLS messages by hand on raw sockets): each
# handshake fails with a clear exception (an OSError with the Mbed TLS code and a message, or
# an errno), and the same process then connects to a good server. The server side prints the
# alert our client sent before closing (None: none).
import sys

sys.path.append(".")  # run-multitests.py runs tests from this directory
sys.path.append("../ssl")
import socket
from _common import client_context, dial, listen, path
from _hostile import explain

CASES = (
    "10 000-byte garbage certificate chain",
    "certificate for another host",
    "certificate with a bad signature",
    "silent server",
    "TLS 1.0 only",
    "SSLv3 only",
    "TLS 1.2 with the TLS 1.3 downgrade sentinel",
    "good server",
)

def instance0():
    # Globals reach only the instances started after the one that sets them: this one picks
    # a free port for the server (instance1) to listen on.
    lsock, port = listen()
    lsock.close()
    multitest.globals(PORT=port)
    multitest.next()
    multitest.wait("listening")
    ctx = client_context()
    for case in CASES:
        sock = dial(port)
        sock.settimeout(1 if case == "silent server" else 10)
        try:
            s = ctx.wrap_socket(sock, server_hostname="localhost")
            s.write(b"hello\n")
            print(case + ":", "connected", s.readline())
            s.close()
        except Exception as e:
            print(case + ":", explain(e))
            sock.close()


def instance1():
    import ssl as cssl
    from _hostile import alert_of, certificate, peer_listener, read_some, record, recv_record, server_hello

    def der(name):
        with open(path(name), "rb") as f:
            return f.read()

    def bad_signature(cert):
        # Flip one bit inside the signature's first integer, near the end of the certificate
        # (an ECDSA signature: SEQUENCE { INTEGER r, INTEGER s }, each some 32 bytes).
        i = len(cert) - 40
        return cert[:i] + bytes([cert[i] ^ 0x01]) + cert[i + 1 :]

    garbage = bytes(range(256)) * 40
    tls12_hello = server_hello(0x0303)
    flights = {
        CASES[0]: record(22, tls12_hello + certificate(garbage[:10000])),
        CASES[1]: record(22, tls12_hello + certificate(der("server_wronghost.crt.der"))),
        CASES[2]: record(22, tls12_hello + certificate(bad_signature(der("server_ec.crt.der")))),
        CASES[4]: record(22, server_hello(0x0301), 0x0301),
        CASES[5]: record(22, server_hello(0x0300), 0x0300),
        CASES[6]: record(22, server_hello(0x0303, random=bytes(24) + b"DOWNGRD\x01")),
    }

    good = cssl.SSLContext(cssl.PROTOCOL_TLS_SERVER)
    good.load_cert_chain(path("server_ec.crt.pem"), path("server_ec.key.pem"))

    lsock = peer_listener(multitest, PORT)
    for case in CASES:
        conn, _ = lsock.accept()
        try:
            if case == "good server":
                with good.wrap_socket(conn, server_side=True) as s:
                    s.sendall(b"served " + s.recv(100))
                print(case + ":", "served")
                continue
            recv_record(conn)  # the ClientHello
            if case == "silent server":
                print(case + ":", "closed by the client", read_some(conn, 10) == b"")
            else:
                conn.sendall(flights[case])
                print(case + ":", "alert", alert_of(read_some(conn)))
        except Exception as e:
            print(case + ":", "server", type(e).__name__)
        conn.close()
    lsock.close()
