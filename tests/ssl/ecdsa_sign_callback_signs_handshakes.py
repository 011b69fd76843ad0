# SSLContext.ecdsa_sign_callback (upstream MicroPython 1.25's contract): called with the loaded
# EC key's private scalar and the hash the handshake signs, it returns a DER signature (made
# here in plain Python, as a secure element would) or None for Mbed TLS to sign. It signs a
# client's CertificateVerify (to our server and to openssl s_server requiring a client
# certificate) and a server's handshake, in TLS 1.2 and 1.3. A callback that raises, returns
# a signature that does not verify, too many bytes or no bytes at all makes the handshake raise
# an exception that says so, on the end that signs. A callback that changes its context gets
# RuntimeError; one that finalises it does no harm.
import ssl
from _common import describe, loopback, path, server_context, client_context, talk
from _ecdsa_p256 import sign

calls = []


def signer(key, digest):
    calls.append((len(key), len(digest)))
    return sign(key, digest)


def builtin(key, digest):
    calls.append("builtin")
    return None


def offline(key, digest):
    raise ValueError("secure element offline")


kept = []


def keeps_key(key, digest):
    kept.append(key)
    return sign(key, digest)


BAD = (
    ("raises", offline),
    ("wrong signature", lambda key, digest: sign(key, bytes(32))),
    ("not DER", lambda key, digest: b"\x30\x00"),
    ("too long", lambda key, digest: b"\x30" * 300),
    ("not bytes", lambda key, digest: 42),
)


def run(label, server_cb=None, client_cb=None, suite=None):
    calls.clear()
    sctx = server_context(mode=ssl.CERT_REQUIRED)
    cctx = client_context()
    cctx.load_cert_chain(path("client_ec.crt.pem"), path("client_ec.key.pem"))
    if suite:
        cctx.set_ciphers([suite])
    sctx.ecdsa_sign_callback = server_cb
    cctx.ecdsa_sign_callback = client_cb
    try:
        c, s, stats = loopback(sctx, cctx)
    except Exception as e:
        print(label, "->", type(e).__name__, e if isinstance(e, (ValueError, TypeError)) else describe(e))
        return
    print(label, "->", stats["client_got"], c.cipher()[1], "calls", calls)
    c.close()
    s.close()


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
print("default", ctx.ecdsa_sign_callback)
try:
    ctx.ecdsa_sign_callback = 5
except TypeError as e:
    print("not callable: TypeError", e)

for version, suite in (("TLS1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"), ("TLS1.3", None)):
    run(version + " client signs", client_cb=signer, suite=suite)
    run(version + " server signs", server_cb=signer, suite=suite)
    run(version + " both sign", server_cb=signer, client_cb=signer, suite=suite)
    run(version + " None: built-in", client_cb=builtin, server_cb=builtin, suite=suite)
    for label, cb in BAD:
        run(version + " client " + label, client_cb=cb, suite=suite)
    run(version + " server raises", server_cb=offline, suite=suite)

# A callback may not change the context while the handshake uses it; it may finalise it (the
# context is freed with its last connection).
holder = []


def changes_context(key, digest):
    holder[0].ecdsa_sign_callback = None
    return sign(key, digest)


def finalises_context(key, digest):
    holder[0].__del__()
    return sign(key, digest)


for label, cb in (("changes its context", changes_context), ("finalises its context", finalises_context)):
    calls.clear()
    cctx = client_context()
    cctx.load_cert_chain(path("client_ec.crt.pem"), path("client_ec.key.pem"))
    cctx.ecdsa_sign_callback = cb
    holder[:] = [cctx]
    sctx = server_context(mode=ssl.CERT_REQUIRED)
    try:
        c, s, stats = loopback(sctx, cctx)
        print("client callback", label, "->", stats["client_got"])
        c.close()
        s.close()
    except Exception as e:
        print("client callback", label, "->", type(e).__name__, e)

# The key argument is wiped once the callback has returned.
run("kept key", client_cb=keeps_key)
print("kept key wiped:", len(kept[0]), bytes(kept[0]) == bytes(len(kept[0])))

# Against openssl s_server requiring a client certificate.
for peer in ("CLIENTAUTH12", "CLIENTAUTH13"):
    calls.clear()
    cctx = client_context()
    cctx.load_cert_chain(path("client_ec.crt.pem"), path("client_ec.key.pem"))
    cctx.ecdsa_sign_callback = signer
    print(peer, talk(cctx, peer), "calls", calls)
