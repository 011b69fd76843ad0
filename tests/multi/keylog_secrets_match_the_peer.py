# keylog_filename writes NSS key log lines that match the other end's secrets line for line
# (TLS 1.2: CLIENT_RANDOM and the master secret; TLS 1.3: the four traffic secrets), so that
# Wireshark can decrypt a capture. Against CPython's ssl (OpenSSL's key log) on either end too:
# each end logs to a file of its own, the server sends its log over the connection and the
# client compares.
import os
import ssl
import sys

sys.path.append("../ssl")  # run-multitests.py runs tests from this directory
from _common import client_context, dial, listen, recv_exact, server_context

VERSIONS = (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3)


def log_name(port, end):
    return "/tmp/mpssl-keylog-%d-%s.txt" % (port, end)


# What both ends write (OpenSSL also writes its exporter secrets, Mbed TLS exports none).
LABELS = (
    "CLIENT_RANDOM",
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "SERVER_TRAFFIC_SECRET_0",
)


def log_lines(name):
    # The secret lines (OpenSSL starts a new file with a comment), then the file is removed.
    with open(name) as f:
        lines = [l for l in f.read().split("\n") if l and not l.startswith("#")]
    os.remove(name)
    return sorted(lines)


def common(lines):
    return [l for l in lines if l.split()[0] in LABELS]


def instance0():
    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    for version in VERSIONS:
        ctx = server_context()
        ctx.maximum_version = version
        ctx.keylog_filename = log_name(port, "server")
        conn, _ = lsock.accept()
        s = ctx.wrap_socket(conn, server_side=True)
        recv_exact(s, 5)
        lines = "\n".join(log_lines(log_name(port, "server"))).encode()
        s.sendall(b"%05d" % len(lines) + lines)
        s.close()
    lsock.close()


def instance1():
    multitest.next()
    for version in VERSIONS:
        ctx = client_context()
        ctx.maximum_version = version
        ctx.keylog_filename = log_name(PORT, "client")
        s = ctx.wrap_socket(dial(PORT), server_hostname="localhost")
        s.sendall(b"hello")
        n = int(recv_exact(s, 5))
        theirs = recv_exact(s, n).decode().split("\n")
        got = s.version()
        s.close()
        ours = log_lines(log_name(PORT, "client"))
        labels = sorted(set(l.split()[0] for l in common(ours)))
        shapes = all(len(l.split()) == 3 and len(l.split()[1]) == 64 for l in ours)
        print(got, labels, "well formed:", shapes, "match the peer's:", common(ours) == common(theirs))
