# A non-blocking DTLS client (do_handshake_on_connect=False) driven by
# select.poll: send returns None until the handshake is through, poll wakes
# the client for each step, and the server's reply arrives.
import sys

sys.path.append(".")
import select
import time
import ssl
from _dtls import cert, udp_bind, udp_connect, accept


def instance0():
    sock, port = udp_bind()
    multitest.globals(PORT=port)
    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
    ctx.load_cert_chain(cert("server_ec.crt.der"), cert("server_ec.key.der"))
    multitest.next()
    s = accept(ctx, sock)
    data = s.recv(64)
    s.send(data.upper())
    s.close()


def instance1():
    multitest.next()
    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=cert("ca.crt.der"))
    sock = udp_connect(PORT)
    sock.setblocking(False)
    c = ctx.wrap_socket(sock, server_hostname="localhost", do_handshake_on_connect=False)
    poller = select.poll()
    poller.register(c, select.POLLIN)
    deadline = time.time() + 8
    sent = None
    would_block = 0
    while sent is None and time.time() < deadline:
        sent = c.send(b"non-blocking")
        if sent is None:
            would_block += 1
            poller.poll(100)
    print("client: send blocked during the handshake:", would_block > 0, "then sent:", sent)
    reply = None
    while reply is None and time.time() < deadline:
        poller.poll(100)
        reply = c.recv(64)
    print("client got:", reply)
    c.close()
