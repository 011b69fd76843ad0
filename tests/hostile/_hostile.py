# CPython side of the hostile-peer tests: raw TLS messages built by hand, for peers no TLS
# library would be. Runs on CPython only (the misbehaving instance of each multitest).
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


def alert_of(data):
    # The description byte of the first plaintext alert record in data, or None.
    while len(data) >= 5:
        length = struct.unpack(">H", data[3:5])[0]
        if data[0] == 21 and length == 2:
            return data[6]
        data = data[5 + length :]
    return None
