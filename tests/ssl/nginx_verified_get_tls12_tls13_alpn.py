# Against nginx (Debian's package, started by the harness): a verified GET over TLS 1.2 and TLS
# 1.3 from create_default_context(), with ALPN choosing HTTP/1.1 or HTTP/2 (spoken here with a
# minimal client: the preface, SETTINGS, one HEADERS frame; the reply's frames read back).
import ssl

from _common import connect, path, recv_exact

HOST = b"localhost"


def frame(kind, flags, stream, payload):
    return len(payload).to_bytes(3, "big") + bytes([kind, flags]) + stream.to_bytes(4, "big") + payload


def get_h2(s):
    # GET / on stream 1 (HPACK: :method GET, :scheme https, :path /, :authority literal).
    headers = b"\x82\x87\x84\x41" + bytes([len(HOST)]) + HOST
    s.write(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(4, 0, 0, b"") + frame(1, 0x05, 1, headers))
    status, body = None, b""
    while True:
        head = recv_exact(s, 9)
        kind, flags, stream = head[3], head[4], int.from_bytes(head[5:9], "big") & 0x7FFFFFFF
        payload = recv_exact(s, int.from_bytes(head[:3], "big"))
        if kind == 4 and not flags & 1:
            s.write(frame(4, 1, 0, b""))  # acknowledge the server's SETTINGS
        elif kind == 1 and stream == 1:
            status = "200" if payload[:1] == b"\x88" else "not 200: %r" % payload[:1]  # HPACK index 8
        elif kind == 0 and stream == 1:
            body += payload
            if flags & 1:
                return status, body
        elif kind == 7:
            return status, "GOAWAY"


def get_http11(s):
    s.write(b"GET / HTTP/1.1\r\nHost: " + HOST + b"\r\nConnection: close\r\n\r\n")
    reply = b""
    while True:
        chunk = s.read(1024)
        if not chunk:
            break
        reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].split(b" ")[1].decode(), body


for peer in ("NGINX12", "NGINX13"):
    for protocols in (["http/1.1"], ["h2", "http/1.1"], None):
        ctx = ssl.create_default_context(cafile=path("ca.crt.pem"))
        if protocols:
            ctx.set_alpn_protocols(protocols)
        s = ctx.wrap_socket(connect(peer), server_hostname="localhost")
        chosen = s.selected_alpn_protocol()
        status, body = get_h2(s) if chosen == "h2" else get_http11(s)
        print(peer, protocols, s.version(), chosen, status, body)
        s.close()

# The name is checked: nginx's certificate is not for example.com.
ctx = ssl.create_default_context(cafile=path("ca.crt.pem"))
sock = connect("NGINX13")
try:
    ctx.wrap_socket(sock, server_hostname="example.com")
except ssl.SSLCertVerificationError as e:
    print("example.com:", e.verify_code, e.verify_message)
sock.close()
