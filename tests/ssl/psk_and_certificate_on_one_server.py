# A server with both a certificate and PSK keys serves both kinds of client. In TLS 1.3 a client
# offering a PSK the server knows gets a PSK handshake (the server looks its identity up); in
# TLS 1.2 the server's suite order decides, so a server that lists a PSK suite first gives PSK
# clients a PSK suite. Clients without a PSK get a certificate handshake either way.
import ssl
from _common import loopback, server_context

KEY = bytes(range(16))
seen = []


class Keys:
    def get(self, identity):
        seen.append(identity)
        return KEY


def client(psk):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.verify_mode = ssl.CERT_NONE
    if psk:
        ctx.psk_identity = "dev1"
        ctx.psk_key = KEY
    return ctx


for label, suites in (
    ("TLS 1.3", None),
    ("TLS 1.2, PSK suite first", ["TLS_PSK_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]),
):
    sctx = server_context()
    sctx.server_psk_keys = Keys()
    if suites:
        sctx.set_ciphers(suites)
    for psk in (True, False):
        seen.clear()
        c, s, stats = loopback(sctx, client(psk))
        print(label, "PSK client" if psk else "certificate client", "->", c.cipher()[:2], "looked up", seen)
        c.close()
        s.close()
