# Target "dtls_server": our DTLS server fed arbitrary datagrams (the input split at
# b"\xff\xfe"). After the server's HelloVerifyRequest the harness wraps again, as an
# application does, and puts the cookie the server just issued into every later ClientHello
# that carries a 32-byte cookie (a fuzzer cannot forge the HMAC; the recorded seeds have one).
SERVER = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
SERVER.load_cert_chain(cert("server_ec.crt.der"), cert("server_ec.key.der"))
CLIENT_ID = b"('10.0.0.2', 5684)"


def cookie_of(hello_verify):
    # DTLS record header (13) + handshake header (12) + version (2), then length and cookie.
    if len(hello_verify) > 28 and hello_verify[0] == 22 and hello_verify[13] == 3:
        return hello_verify[28 : 28 + hello_verify[27]]
    return None


def with_cookie(datagram, cookie):
    # A ClientHello (record 22, handshake 1, unfragmented) with a 32-byte cookie gets ours.
    if cookie is None or len(datagram) < 13 + 12 + 35 or datagram[0] != 22 or datagram[13] != 1:
        return datagram
    at = 13 + 12 + 34
    at += 1 + datagram[at]  # session id
    if at < len(datagram) and datagram[at] == 32 and len(cookie) == 32:
        return datagram[: at + 1] + cookie + datagram[at + 33 :]
    return datagram


def run(data):
    link = Datagrams()
    link.inbox = pieces(data)
    sock = None
    cookie = None
    try:
        for attempt in range(3):
            try:
                sock = SERVER.wrap_socket(link, server_side=True, do_handshake_on_connect=False, client_id=CLIENT_ID)
                drive(sock)
                break
            except OSError as e:
                if sock:
                    sock.close()
                    sock = None
                if "Hello Verify" not in str(e.args[-1]) or not link.sent:
                    raise
                cookie = cookie_of(link.sent[-1])
                link.inbox = [with_cookie(d, cookie) for d in link.inbox]
        if sock:
            sock.getpeercert()
            sock.cipher()
    except Exception:
        pass
    if sock:
        quietly(sock.close)
    sock = link = None
