# Target "tls_server": our TLS server fed an arbitrary client byte stream through
# _mpssl_testing.pipe(). The first byte chooses the server (plain, or asking for a client
# certificate) and whether the client closes after its bytes; the rest is what the client sends.
SERVERS = []
for mode in (ssl.CERT_NONE, ssl.CERT_OPTIONAL):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert("server_ec.crt.der"), cert("server_ec.key.der"))
    if mode != ssl.CERT_NONE:
        ctx.verify_mode = mode
        ctx.load_verify_locations(cadata=cert("ca.crt.der"))
    SERVERS.append(ctx)


def run(data):
    if not data:
        return
    flags, stream = data[0], data[1:]
    peer, end = _mpssl_testing.pipe()
    sock = None
    try:
        sock = SERVERS[flags & 1].wrap_socket(end, server_side=True, do_handshake_on_connect=False)
        peer.write(stream)
        if flags & 2:
            peer.close()
        drive(sock)
        sock.getpeercert()
        sock.cipher()
    except Exception:
        pass
    if sock:
        quietly(sock.close)
    peer.close()
    sock = peer = end = None
