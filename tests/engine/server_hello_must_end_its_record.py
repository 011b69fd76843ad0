# A TLS 1.3 ServerHello or HelloRetryRequest must end at a record boundary (RFC 8446 5.1: a
# handshake message may not span a key change; a HelloRetryRequest ends the server's flight).
# Mbed TLS 3.6.7 checks it (a fix without a CVE: with early data, plaintext could be taken
# across the key change); 3.6.6 read on. A server scripted in CPython (instance1) answers our
# client's ClientHello with a HelloRetryRequest for x25519 (valid alone: see
# hello_retry_request_for_unoffered_group_refused.py) or a ServerHello, each followed in the
# same record by an EncryptedExtensions message: our client must send unexpected_message
# (10), no second ClientHello, and raise an OSError with a message.
import sys

sys.path.append(".")  # run-multitests.py runs tests from this directory
sys.path.append("../ssl")
sys.path.append("../hostile")
from _common import client_context
from _engine import our_client, share_ports

CASES = ("HelloRetryRequest + EncryptedExtensions", "ServerHello + EncryptedExtensions")


def instance0():
    lsock, cport = share_ports(multitest)
    lsock.close()
    our_client(cport, client_context(), CASES)


def instance1():
    import os
    from _engine import answer_client_hellos, hello_retry_request, tls13_server_hello
    from _hostile import handshake, record, u16

    def answer(case, session_id, extensions):
        if case.startswith("HelloRetryRequest"):
            hello = hello_retry_request(session_id, 0x1D)
        else:
            hello = tls13_server_hello(session_id, 65, b"\x04" + os.urandom(64))
        return record(22, hello + handshake(8, u16(0)))

    answer_client_hellos(multitest, CPORT, CASES, answer)
