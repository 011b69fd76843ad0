# A client that vanishes mid-handshake: a proxy (instance1, CPython) passes
# the client's HelloVerify exchange and its ClientHello with the cookie, then
# drops everything both ways from the server's answer on, as if the client
# had left the network (no ICMP comes back either). The server resends its flight on its timers (1, 2 and
# 4 s), and its blocking wrap_socket ends with OSError(ETIMEDOUT) after about
# 15 s, as does the client's; then the server serves the next client.
import sys

sys.path.append(".")
import errno
import time
from _dtls import client_context, server_context, udp_connect, free_udp_port, accept_loop
from _dtls import flight, Proxy, Keepalive, finish, live_allocations


def timed_out_in_bound(e, seconds):
    return e.errno == errno.ETIMEDOUT and 14 <= seconds <= 17


def instance0():
    port = free_udp_port(800)
    multitest.globals(PORT=port)
    ctx = server_context()
    errors = []
    allocations = live_allocations()
    multitest.next()
    keepalive = Keepalive(multitest.broadcast, "server")
    conn, sock = accept_loop(ctx, port, errors)
    got = conn.recv(64)
    conn.send(got.upper())
    conn.close()
    sock.close()
    leaked = live_allocations() - allocations
    finish(keepalive, multitest.broadcast, "server", ("proxy", "client"))
    print("server: the vanished client's handshake ended with ETIMEDOUT in 14-17 s:",
          [timed_out_in_bound(e, s) for e, s in errors])
    print("server: then served", got)
    print("server: Mbed TLS allocations leaked:", leaked)


def instance1():
    proxy = Proxy(PORT, 300)
    multitest.globals(PROXY=proxy.port)
    multitest.next()
    keepalive = Keepalive(multitest.broadcast, "proxy")
    vanished = [False]
    server_flights = [0]

    def relay(datagram, from_client):
        # The client is gone once its ClientHello with the cookie has
        # reached the server: from the server's answer on.
        if not from_client and flight(datagram, from_client) == "server hello flight":
            vanished[0] = True
            server_flights[0] += 1
        if not vanished[0]:
            proxy.forward(datagram, from_client)

    proxy.run(relay, ["done server", "done client"])
    keepalive.stop()
    multitest.broadcast("done proxy")
    print("proxy: the server sent its flight", server_flights[0], "times")


def instance2():
    multitest.next()
    keepalive = Keepalive(multitest.broadcast, "client")
    ctx = client_context()
    sock = udp_connect(PROXY)
    started = time.time()
    try:
        ctx.wrap_socket(sock, server_hostname="localhost")
        vanished = "handshake completed"
    except OSError as e:
        vanished = timed_out_in_bound(e, time.time() - started)
    sock.close()
    s = ctx.wrap_socket(udp_connect(PORT), server_hostname="localhost")
    s.send(b"the next client")
    got = s.recv(64)
    s.close()
    finish(keepalive, multitest.broadcast, "client", ("server", "proxy"))
    print("client: through the black hole, ETIMEDOUT in 14-17 s:", vanished)
    print("client: then", got)
