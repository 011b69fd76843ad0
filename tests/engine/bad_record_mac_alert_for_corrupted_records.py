# A record that fails authentication is answered with a fatal bad_record_mac alert before the
# connection closes (RFC 5246 7.2.2, RFC 8446 5.2), by our server and by our client, in TLS
# 1.2 and 1.3: MBEDTLS_SSL_ALL_ALERT_MESSAGES (mpssl/mbedtls_config_mpssl.h); without it the
# peer saw a bare TCP close. CPython (instance1) is the peer, over memory BIOs: after the
# handshake it writes a line, flips one bit of the record's ciphertext on its way out, sends
# it, and reads what comes back. The alert is encrypted: the content types of the records on
# the wire show it (21 in TLS 1.2, hidden in 23 in TLS 1.3; our TLS 1.3 server's
# NewSessionTicket comes first), and CPython's own decryption of them names it (e.reason). Our
# end's read raises an OSError with a message.
import sys

sys.path.append(".")  # run-multitests.py runs tests from this directory
sys.path.append("../ssl")
sys.path.append("../hostile")
from _common import client_context, server_context
from _engine import our_client, our_server, share_ports

VERSIONS = ("TLS 1.2", "TLS 1.3")


def instance0():
    lsock, cport = share_ports(multitest)
    our_server(lsock, server_context(), VERSIONS)
    our_client(cport, client_context(), VERSIONS)


def instance1():
    import socket
    from _engine import alert_answer, bio_handshake, cpython_context
    from _hostile import peer_listener

    def corrupt(version, who, sock, server_side):
        ctx = cpython_context(server_side, version)
        obj, incoming, outgoing = bio_handshake(ctx, sock, server_side)
        obj.write(b"this line is corrupted in flight\n")
        rec = bytearray(outgoing.read())
        rec[len(rec) // 2] ^= 0x01
        sock.sendall(rec)
        print(version + ":", who, alert_answer(sock, obj, incoming))
        sock.close()

    lsock = peer_listener(multitest, CPORT)
    for version in VERSIONS:
        corrupt(version, "our server", socket.create_connection(("127.0.0.1", PORT)), False)
    for version in VERSIONS:
        corrupt(version, "our client", lsock.accept()[0], True)
    lsock.close()
