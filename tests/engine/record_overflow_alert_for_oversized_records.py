# A record longer than the protocol allows is answered with a fatal record_overflow alert
# (22; RFC 8446 5.1 and 5.2, RFC 5246 6.2), by our server and by our client: a plaintext
# handshake record of 2^14 + 1 bytes (just past the limit, within our input buffer's room:
# patches/mbedtls/0019) and of 2^14 + 2049 bytes (past that room too) as the first (server)
# or second (client) flight (the alert is plaintext and read off the wire), and after a
# TLS 1.2 or 1.3 handshake an encrypted record past its limit (2^14 + 2048 and 2^14 + 256
# bytes; the alert is encrypted: CPython, the peer over memory BIOs, decrypts and names it).
# The peers are scripted in CPython (instance1); our end raises an OSError with a message.
import sys

sys.path.append(".")  # run-multitests.py runs tests from this directory
sys.path.append("../ssl")
sys.path.append("../hostile")
from _common import client_context, server_context
from _engine import our_client, our_server, share_ports

# (case, TLS version of the connection or None for a plaintext record in the handshake,
# the record's length)
OVERSIZED = (
    ("plaintext 2^14 + 1 in the handshake", None, 2**14 + 1),
    ("plaintext 2^14 + 2049 in the handshake", None, 2**14 + 2049),
    ("TLS 1.2 encrypted 2^14 + 2049", "TLS 1.2", 2**14 + 2049),
    ("TLS 1.3 encrypted 2^14 + 257", "TLS 1.3", 2**14 + 257),
    ("TLS 1.3 encrypted 2^14 + 2049", "TLS 1.3", 2**14 + 2049),
)
CASES = [case for case, _, _ in OVERSIZED]


def instance0():
    lsock, cport = share_ports(multitest)
    our_server(lsock, server_context(), CASES)
    our_client(cport, client_context(), CASES)


def instance1():
    import os
    import socket
    from _engine import alert_answer, bio_handshake, cpython_context
    from _hostile import alert_of, peer_listener, read_some, record, recv_record

    def oversized(case, version, length, who, sock, server_side):
        big = record(22 if version is None else 23, os.urandom(length))
        if version is None:
            if server_side:
                recv_record(sock)  # the ClientHello
            sock.sendall(big)
            print(case + ":", who, "sent alert", alert_of(read_some(sock)))
        else:
            obj, incoming, _ = bio_handshake(cpython_context(server_side, version), sock, server_side)
            sock.sendall(big)
            print(case + ":", who, alert_answer(sock, obj, incoming))
        sock.close()

    lsock = peer_listener(multitest, CPORT)
    for case in OVERSIZED:
        oversized(*case, "our server", socket.create_connection(("127.0.0.1", PORT)), False)
    for case in OVERSIZED:
        oversized(*case, "our client", lsock.accept()[0], True)
    lsock.close()
