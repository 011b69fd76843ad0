# Handshake failures raise OSError with a readable reason; the error is
# sticky until close(); a closed socket raises EBADF. Certificate dates are
# checked against the board's clock (the expired certificate).
import errno
import ssl
import mpssl_testcerts as C
from mpssl_testpipe import pipe, tls_pair, transfer


def server_ctx(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


def verifying_client(ca):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=ca)
    return ctx


def handshake_error(client, server):
    try:
        transfer(client, server, b"x")
    except OSError as e:
        return e
    return None


good = server_ctx(C.SERVER_EC_CERT, C.SERVER_EC_KEY)
for label, client_ctx, srv, host in (
    ("unknown CA", verifying_client(C.UNKNOWN_CA), good, "localhost"),
    ("wrong host", verifying_client(C.CA), good, "wronghost.example"),
    ("expired", verifying_client(C.CA), server_ctx(C.SERVER_EXPIRED_CERT, C.SERVER_EXPIRED_KEY), "localhost"),
):
    client, server = tls_pair(client_ctx, srv, host)
    e = handshake_error(client, server)
    print(label, "->", e.args[1])
    # Sticky: the same error again, from read and from write.
    for op in (lambda: client.read(1), lambda: client.write(b"y")):
        try:
            op()
        except OSError as e2:
            print("  again:", e2.args == e.args)
    client.close()
    server.close()
    try:
        client.read(1)
    except OSError as e4:
        print("  closed:", e4.errno == errno.EBADF)

# A peer that speaks garbage instead of TLS.
c, s = pipe()
client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).wrap_socket(c, do_handshake_on_connect=False)
client.write(b"hello")  # sends the ClientHello
s.write(b"HTTP/1.0 400 Bad Request\r\n\r\n")
try:
    client.read(10)
except OSError as e:
    print("garbage ->", e.args[1])
client.close()

# A server without a certificate cannot complete a handshake.
client, server = tls_pair(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER))
print("no server cert ->", handshake_error(client, server).args[1])
# A failed connection keeps its buffers until close(), as the sticky error
# needs: on the board's small heap, the next pair needs them back.
client.close()
server.close()

# server_side is accepted, as upstream code passes it, but the context decides
# which end a socket is: these two still handshake as client and server.
c, s = pipe()
client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).wrap_socket(c, server_side=True, do_handshake_on_connect=False)
server = good.wrap_socket(s, server_side=False, do_handshake_on_connect=False)
print("server_side ignored ->", transfer(client, server, b"ok"))
