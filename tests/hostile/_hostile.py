# Helpers of the hostile-peer tests. Mostly their CPython side: raw TLS messages built by hand,
# for peers no TLS library would be (the misbehaving instance of each multitest); explain()
# is for the MicroPython side (it needs tests/ssl on sys.path, as the tests put it).
import os
import socket
import struct

TLS12_ECDSA_AES128_GCM = 0xC02B
TLS_RSA_AES128_CBC = 0x002F
ECDHE_RSA_AES128_CBC = 0xC013


def u16(n):
    return struct.pack(">H", n)


def u24(n):
    return struct.pack(">I", n)[1:]


def record(content_type, body, version=0x0303):
    return bytes([content_type]) + u16(version) + u16(len(body)) + body


def handshake(msg_type, body):
    return bytes([msg_type]) + u24(len(body)) + body


def client_hello(version, suites=(ECDHE_RSA_AES128_CBC, TLS_RSA_AES128_CBC)):
    # A ClientHello offering at most `version` (0x0300 SSLv3 ... 0x0303 TLS 1.2), no extensions.
    body = u16(version) + os.urandom(32) + b"\x00" + u16(2 * len(suites))
    body += b"".join(u16(s) for s in suites) + b"\x01\x00"
    return record(22, handshake(1, body), min(version, 0x0301))


def server_hello(version, suite=TLS12_ECDSA_AES128_GCM, random=None):
    body = u16(version) + (random or os.urandom(32)) + b"\x00" + u16(suite) + b"\x00"
    return handshake(2, body)


def certificate(*ders):
    chain = b"".join(u24(len(d)) + d for d in ders)
    return handshake(11, u24(len(chain)) + chain)


def reset(sock):
    # Close with SO_LINGER 0: the peer sees a TCP reset, not an orderly end.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def read_some(sock, timeout=5):
    # Whatever the peer sends until it stops for `timeout` or closes.
    sock.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return data


def peer_listener(multitest, port):
    # A multitest's CPython instance: a socket listening on port on loopback, announced to the
    # other instances with the broadcast "listening".
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", port))
    lsock.listen(4)
    multitest.next()
    multitest.broadcast("listening")
    return lsock


def alert_of(data):
    # The description byte of the first plaintext alert record in data, or None.
    while len(data) >= 5:
        length = struct.unpack(">H", data[3:5])[0]
        if data[0] == 21 and length == 2:
            return data[6]
        data = data[5 + length :]
    return None


def recv_record(sock, timeout=5):
    # One whole TLS record (header included) from sock, or what came before the peer closed.
    sock.settimeout(timeout)
    data = b""
    while len(data) < 5 or len(data) < 5 + struct.unpack(">H", data[3:5])[0]:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


# Mbed TLS codes hostile peers produce that tests/ssl/_common.py does not name.
MORE_TLS_ERRORS = {
    -0x6E80: "SSL_BAD_PROTOCOL_VERSION",
    -0x2180: "X509_INVALID_FORMAT",
    -0x7180: "SSL_INVALID_MAC",
    -0x3A00: "PK_UNKNOWN_NAMED_CURVE",
    -0x2562: "X509_INVALID_EXTENSIONS + ASN1_UNEXPECTED_TAG",
}


def explain(e):
    # _common.describe(e), and the message when the exception carries one.
    from _common import describe

    text = describe(e)
    if isinstance(e, OSError) and len(e.args) == 2 and e.args[0] < 0:
        if e.args[0] in MORE_TLS_ERRORS:
            text = "OSError " + MORE_TLS_ERRORS[e.args[0]]
        text += " %r" % (e.args[1],)
    return text
