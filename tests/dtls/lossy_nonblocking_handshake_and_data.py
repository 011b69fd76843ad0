# DTLS over a lossy path (the proxy of lossy_handshake_and_data.py: 20% of
# the datagrams dropped, others duplicated and reordered) with both ends
# non-blocking: the server is the example's (examples/dtls_server.py, its
# handshakes driven by select.poll) and the client drives its own handshake
# with send() and poll(). Retransmissions come from the timers while the ends
# poll; the handshake completes and every message gets through with the
# application's own retries.
import sys

sys.path.append(".")
import time
from _dtls import client_context, server_context, udp_connect, free_udp_port, example_server
from _dtls import lossy_proxy, echo_with_retries, Keepalive, finish

COUNT = 10


def instance0():
    port = free_udp_port(1000)
    multitest.globals(PORT=port)
    errors = []
    keepalive = []

    def ready():  # the port is bound: the others may start
        multitest.next()
        keepalive.append(Keepalive(multitest.broadcast, "server"))

    example_server().serve(server_context(), "127.0.0.1", port, clients=1, idle_s=3,
                           log=lambda addr, e: errors.append(e), ready=ready)
    finish(keepalive[0], multitest.broadcast, "server", ("proxy", "client"))
    # Datagrams that come late, after their session ended, are refused as strays.
    print("server: served the client; failed attempts raised OSError:",
          all(isinstance(e, OSError) for e in errors))


def instance1():
    print("proxy: dropped, duplicated and reordered:", lossy_proxy(multitest, PORT, 450))


def instance2():
    import select

    multitest.next()
    keepalive = Keepalive(multitest.broadcast, "client")
    sock = udp_connect(PROXY)
    sock.setblocking(False)
    c = client_context().wrap_socket(sock, server_hostname="localhost", do_handshake_on_connect=False)
    poller = select.poll()
    poller.register(c, select.POLLIN)
    deadline = time.time() + 40
    polls = 0
    while c.send(b"hello") is None and time.time() < deadline:
        poller.poll(1000)
        polls += 1
    handshake = c.cipher() is not None
    delivered = echo_with_retries(c, COUNT, lambda m: m)
    c.close()
    finish(keepalive, multitest.broadcast, "client", ("server", "proxy"))
    print("client: handshake done while polling:", handshake and polls > 0)
    print("client: echoed", delivered, "of", COUNT)
