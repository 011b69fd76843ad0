# Target "load": SSLContext.load_cert_chain / load_verify_locations / set_ciphers with
# arbitrary bytes. The first byte chooses the call; the rest is split into pieces at b"\xff\xfe".
CERT, KEY = cert("server_ec.crt.der"), cert("server_ec.key.der")
PROTOCOLS = (ssl.PROTOCOL_TLS_SERVER, ssl.PROTOCOL_TLS_CLIENT, ssl.PROTOCOL_DTLS_SERVER)


def cipher_names(blob):
    # Pieces as str (one char per byte: any byte string is a name); b"#N" gives the int N.
    names = []
    for p in pieces(blob, b","):
        if p[:1] == b"#":
            names.append(len(p))
        else:
            names.append("".join(chr(b) for b in p))
    return names


def run(data):
    if not data:
        return
    op, rest = data[0], data[1:]
    parts = pieces(rest)
    ctx = ssl.SSLContext(PROTOCOLS[(op >> 4) % 3])
    try:
        kind = op % 8
        if kind == 0:
            ctx.load_cert_chain(parts[0], parts[1] if len(parts) > 1 else KEY)
        elif kind == 1:
            ctx.load_cert_chain(rest, KEY)
        elif kind == 2:
            ctx.load_cert_chain(CERT, rest)
        elif kind == 3:
            ctx.load_verify_locations(cadata=rest)
        elif kind == 4:
            for p in parts:
                quietly(ctx.load_verify_locations, None, p)
        elif kind == 5:
            ctx.set_ciphers(cipher_names(rest))
            ctx.get_ciphers()
        elif kind == 6:
            # Loaded twice over: replacing what is there must free the old.
            quietly(ctx.load_cert_chain, CERT, KEY)
            ctx.load_cert_chain(parts[0], parts[-1])
        else:
            ctx.load_verify_locations(cadata=parts[0])
            ctx.set_ciphers(cipher_names(parts[-1]))
    except Exception:
        pass
    ctx = None
