# One server context serves three clients at the same time: the example
# server (examples/dtls_server.py: one UDP socket per client, handshakes
# driven non-blocking by select.poll). Every client completes its handshake
# before any of them sends data, which a server taking clients in turn
# could not allow, and each gets back exactly its own records.
import sys

sys.path.append(".")
from _dtls import client_context, server_context, udp_connect, free_udp_port, example_server, wait_all
from _dtls import live_allocations

CLIENTS = 3
RECORDS = 5


def instance0():
    port = free_udp_port(600)
    multitest.globals(PORT=port)
    errors = []
    ctx = server_context()
    allocations = live_allocations()
    example_server().serve(ctx, "127.0.0.1", port, clients=CLIENTS,
                           log=lambda addr, e: errors.append(e), ready=multitest.next)
    print("server: served", CLIENTS, "clients; errors:", errors)
    print("server: Mbed TLS allocations leaked:", live_allocations() - allocations)


def client(n):
    multitest.next()
    s = client_context().wrap_socket(udp_connect(PORT), server_hostname="localhost")
    multitest.broadcast("handshake done %d" % n)
    wait_all(["handshake done %d" % i for i in range(1, CLIENTS + 1) if i != n])
    own = 0
    for i in range(RECORDS):
        msg = b"client %d record %d" % (n, i)
        s.send(msg)
        if s.recv(64) == msg:
            own += 1
    s.close()
    print("client %d: %d of %d echoes are its own" % (n, own, RECORDS))


def instance1():
    client(1)


def instance2():
    client(2)


def instance3():
    client(3)
