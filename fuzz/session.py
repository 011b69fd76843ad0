# Target "session": ssl.SSLSession(data) on bytes that pass the SHA-256 check, so the parsers
# behind it run: our field reader and Mbed TLS's mbedtls_ssl_session_load() (the check alone
# refuses nearly any mutation). The first byte chooses what the rest is: bit 0 clear, Mbed
# TLS's session bytes, put in a blob with server_hostname "localhost" and no certificate; set,
# everything after b"MPSS", sealed with its digest. What loads is serialized again (the same
# bytes must come back) and offered by a client (TLS or DTLS, as the blob says) on a
# connection whose ClientHello carries its ID or ticket.
import hashlib

CLIENTS = (ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT))
NO_FIELD = b"\xff\xff\xff\xff"


def field(data):
    return len(data).to_bytes(4, "big") + data


def sealed(body):
    return body + hashlib.sha256(body).digest()


def run(data):
    if not data:
        return
    flags, rest = data[0], data[1:]
    if flags & 1:
        blob = sealed(b"MPSS" + rest)
    else:
        protocol = ssl.PROTOCOL_DTLS_CLIENT if flags & 2 else ssl.PROTOCOL_TLS_CLIENT
        blob = sealed(b"MPSS\x01" + bytes([protocol]) + field(b"localhost") + NO_FIELD + field(rest))
    try:
        session = ssl.SSLSession(blob)
    except ValueError:
        return
    again = session.serialize()
    if ssl.SSLSession(again).serialize() != again:
        raise AssertionError("a reloaded session serializes to other bytes")
    peer, end = _mpssl_testing.pipe()
    sock = None
    for ctx in CLIENTS:
        try:
            sock = ctx.wrap_socket(end, server_hostname="localhost", session=session, do_handshake_on_connect=False)
            sock.write(b"hello")  # writes the ClientHello, then would wait for the server
        except Exception:
            pass
    if sock:
        quietly(sock.close)
    peer.close()
    sock = peer = end = session = None
