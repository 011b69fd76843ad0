# Pre-shared keys between our client and our server over loopback, neither holding a
# certificate: upstream's attributes (psk_identity and psk_key; server_psk_keys, any object
# with .get(identity), given bytes) and CPython 3.13's callbacks (the client's is asked with
# hint None and answers (identity, key); the server's gets the identity as str and answers the
# key, b'' or None to refuse), in TLS 1.2 (plain PSK, ECDHE-PSK, the CCM-8 suite CoAP uses) and
# TLS 1.3. A wrong key or an unknown identity fails both ends, the server saying which; what a
# server callback raises comes out of the server's handshake.
import ssl
from _common import describe, loopback

KEY = bytes(range(16))
KEYS = {b"dev1": KEY, b"dev2": b"\x02" * 32}
seen = []


class Keys:
    # Not a dict: anything with .get(identity).
    def get(self, identity):
        seen.append(identity)
        return KEYS.get(identity)


def server_callback(identity):
    seen.append(identity)
    return KEYS.get(identity.encode(), b"")


def client_callback(hint):
    seen.append(hint)
    return ("dev2", KEYS[b"dev2"])


def client(suite=None, identity="dev1", key=KEY):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.verify_mode = ssl.CERT_NONE
    if identity is not None:
        ctx.psk_identity = identity
        ctx.psk_key = key
    if suite:
        ctx.set_ciphers([suite])
    return ctx


def server(keys=None, callback=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if keys is not None:
        ctx.server_psk_keys = keys
    if callback is not None:
        ctx.set_psk_server_callback(callback)
    return ctx


def run(label, sctx, cctx):
    seen.clear()
    try:
        c, s, stats = loopback(sctx, cctx)
    except Exception as e:
        print(label, "->", describe(e), e if isinstance(e, KeyError) or "PSK" in str(e) else "", seen)
        return
    print(label, "->", stats["client_got"], c.cipher()[:2], s.cipher()[:2], seen)
    c.close()
    s.close()


SUITES = (
    "TLS_PSK_WITH_AES_128_GCM_SHA256",
    "TLS_PSK_WITH_AES_128_CCM_8",
    "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
)
for suite in SUITES:
    run(suite + " dict", server(KEYS), client(suite))
for suite in (SUITES[0], SUITES[3]):
    run(suite + " .get object", server(Keys()), client(suite))
    cctx = client(suite, identity=None)
    cctx.set_psk_client_callback(client_callback)
    run(suite + " both callbacks", server(callback=server_callback), cctx)
    sctx = server()
    sctx.psk_identity = b"dev1"
    sctx.psk_key = KEY
    run(suite + " server attributes", sctx, client(suite))
    run(suite + " wrong key", server(KEYS), client(suite, key=b"\x01" * 16))
    run(suite + " unknown identity", server(Keys()), client(suite, identity="nobody"))
    run(suite + " callback refuses", server(callback=lambda i: None), client(suite))

    def raising(identity):
        raise KeyError("lookup failed for " + identity)

    run(suite + " callback raises", server(callback=raising), client(suite))

# No PSK on the client: nothing in common with a PSK-only server.
run("no client PSK", server(KEYS), client(identity=None))
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
print("unset:", ctx.psk_identity, ctx.psk_key, ctx.server_psk_keys)
