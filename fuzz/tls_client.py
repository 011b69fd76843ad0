# Target "tls_client": our TLS client fed an arbitrary server byte stream through
# _mpssl_testing.pipe(). The first byte chooses the client (verifying or not, TLS 1.2 only,
# TLS 1.3 only, any) and whether the server closes after its bytes; the rest is what the
# server sends.
CLIENTS = []
for verify, suites in (
    (True, None),
    (False, None),
    (False, ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]),
    (False, ["TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"]),
):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if verify:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cadata=cert("ca.crt.der"))
    if suites:
        ctx.set_ciphers(suites)
    CLIENTS.append(ctx)


def run(data):
    if not data:
        return
    flags, stream = data[0], data[1:]
    peer, end = _mpssl_testing.pipe()
    sock = None
    try:
        sock = CLIENTS[flags % 4].wrap_socket(end, server_hostname="localhost", do_handshake_on_connect=False)
        sock.write(b"hello")  # sends the ClientHello; the handshake goes on in drive()
        peer.write(stream)
        if flags & 4:
            peer.close()
        drive(sock)
        sock.getpeercert()
        sock.getpeercert(True)
        sock.cipher()
    except Exception:
        pass
    if sock:
        quietly(sock.close)
    peer.close()
    sock = peer = end = None
