# Helpers for the DTLS tests (two or three instances under run-multitests.py;
# runs on MicroPython and CPython). Certificates come from tools/make-certs.sh
# through MPSSL_CERTS, ports from MPSSL_PORT_BASE (see tools/run-tests.py).
import os
import socket

CERTS = os.getenv("MPSSL_CERTS")


def cert(name):
    with open(CERTS + "/" + name, "rb") as f:
        return f.read()


def udp_bind(offset=100):
    # A UDP socket bound on loopback to a free port, and the port.
    base = int(os.getenv("MPSSL_PORT_BASE")) + offset
    for port in range(base, base + 100):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind(socket.getaddrinfo("127.0.0.1", port)[0][-1])
            return s, port
        except OSError:
            s.close()
    raise OSError("no free UDP port")


def udp_connect(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(socket.getaddrinfo("127.0.0.1", port)[0][-1])
    return s


def accept(ctx, sock, verbose=True):
    # The documentation's DTLS server dance: peek at the client's first
    # datagram, connect back, wrap with its address as client_id; the first
    # attempt raises "Hello Verify Required" and the retry succeeds.
    while True:
        _, client_addr = sock.recvfrom(1, socket.MSG_PEEK)
        sock.connect(client_addr)
        try:
            return ctx.wrap_socket(sock, server_side=True, client_id=repr(client_addr).encode())
        except OSError as e:
            if verbose:
                print("server:", e.args[-1])
            if "Hello Verify" not in e.args[-1]:
                raise


def free_udp_port(offset):
    # A port free for a server that binds it itself (with SO_REUSEADDR).
    s, port = udp_bind(offset)
    s.close()
    return port


def server_context(name="server_ec"):
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
    ctx.load_cert_chain(cert(name + ".crt.der"), cert(name + ".key.der"))
    return ctx


def client_context():
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=cert("ca.crt.der"))
    return ctx


def example_server():
    # examples/dtls_server.py, whose serve() some tests run as their server.
    import sys

    sys.path.append("../../examples")
    import dtls_server

    return dtls_server


def wait_all(names):
    # multitest.wait() for several broadcasts arriving in any order
    # (multitest.wait drops every broadcast but the one it waits for).
    import sys

    pending = set("BROADCAST " + name for name in names)
    while pending:
        pending.discard(sys.stdin.readline().rstrip())
