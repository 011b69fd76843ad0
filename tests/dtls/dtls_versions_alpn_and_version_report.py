# CPython's names on DTLS contexts: minimum_version / maximum_version TLSv1_2 (DTLS 1.2, the only
# DTLS version) on both ends, TLSv1_3 refused as a DTLS minimum, ALPN chosen over DTLS, and
# version() saying DTLSv1.2 at both ends.
import sys

sys.path.append(".")
import ssl
from _dtls import accept, client_context, server_context, udp_bind, udp_connect


def instance0():
    sock, port = udp_bind()
    multitest.globals(PORT=port)
    ctx = server_context()
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion.MAXIMUM_SUPPORTED
    ctx.set_alpn_protocols(["coap", "mqtt"])
    try:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    except ValueError:
        print("server: TLSv1_3 minimum refused, still", ctx.minimum_version == ssl.TLSVersion.TLSv1_2)
    multitest.next()
    s = accept(ctx, sock, verbose=False)
    print("server:", s.version(), s.selected_alpn_protocol(), s.recv(64))
    s.send(b"ack")
    s.close()


def instance1():
    multitest.next()
    ctx = client_context()
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_alpn_protocols(["mqtt"])
    s = ctx.wrap_socket(udp_connect(PORT), server_hostname="localhost")
    s.send(b"hello")
    print("client:", s.version(), s.selected_alpn_protocol(), s.recv(64))
    s.close()
