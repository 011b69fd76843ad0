# 200 kB sent each way over one connection (many full TLS records, sendall against recv of
# varying sizes) arrive intact and in order.
import sys

sys.path.append("../ssl")  # run-multitests.py runs tests from this directory
from _common import client_context, dial, listen, recv_exact, server_context

BLOCK = bytes(range(256)) * 40  # 10 kB
COUNT = 20


def received_intact(s):
    got = recv_exact(s, len(BLOCK) * COUNT)
    return len(got), got == BLOCK * COUNT


def instance0():
    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    conn, _ = lsock.accept()
    s = server_context().wrap_socket(conn, server_side=True)
    print("server received", received_intact(s))
    for _ in range(COUNT):
        s.sendall(BLOCK)
    print("server done", recv_exact(s, 3))
    s.close()
    lsock.close()


def instance1():
    multitest.next()
    s = client_context().wrap_socket(dial(PORT), server_hostname="localhost")
    s.sendall(BLOCK * COUNT)
    print("client received", received_intact(s))
    s.sendall(b"end")
    s.close()
