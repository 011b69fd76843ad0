# A peer that answers the handshake with bytes that are not TLS, or closes the connection
# mid-handshake, makes wrap_socket raise OSError with the Mbed TLS code (invalid record,
# connection EOF), on the client and on the server side.
import ssl
from _common import client_context, connect, describe, dial, listen, server_context

for mode in (ssl.CERT_NONE, ssl.CERT_REQUIRED):
    ctx = client_context(mode=mode)
    for peer in ("GARBAGE", "HANGUP"):
        sock = connect(peer)
        try:
            ctx.wrap_socket(sock, server_hostname="localhost")
            print(peer, "client: no error")
        except Exception as e:
            print(peer, "client:", describe(e))
        sock.close()

server = server_context("server_ec.crt.der", "server_ec.key.der")
for label, sent in (("GARBAGE", b"GET / HTTP/1.0\r\n\r\n"), ("HANGUP", b"")):
    lsock, port = listen()
    raw = dial(port)
    if sent:
        raw.write(sent)
    raw.close()
    conn, _ = lsock.accept()
    lsock.close()
    try:
        server.wrap_socket(conn, server_side=True)
        print(label, "server: no error")
    except Exception as e:
        print(label, "server:", describe(e))
    conn.close()
