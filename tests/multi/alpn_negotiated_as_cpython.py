# ALPN as in CPython: the server's list (its order first) against each client's; a client with
# no list, or a server with none (or an empty list set after one), gets None. Run against
# CPython's ssl on either end too.
import ssl
import sys

sys.path.append("../ssl")  # run-multitests.py runs tests from this directory
from _common import client_context, dial, listen, recv_exact, server_context

# The client's list, for each connection in turn.
CLIENTS = (["http/1.1"], ["http/1.1", "h2"], ["mqtt", "h2"], None)
SERVERS = (["h2", "http/1.1", "mqtt"], None, [])


def instance0():
    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    for server_list in SERVERS:
        ctx = server_context()
        if server_list is not None:
            ctx.set_alpn_protocols(server_list or ["h2"])
            ctx.set_alpn_protocols(server_list)
        for _ in CLIENTS:
            conn, _ = lsock.accept()
            s = ctx.wrap_socket(conn, server_side=True)
            chosen = s.selected_alpn_protocol()
            s.sendall(b"%-8s" % (chosen or "-").encode())
            print("server", server_list, chosen)
            s.close()
    lsock.close()


def instance1():
    multitest.next()
    for server_list in SERVERS:
        for client_list in CLIENTS:
            ctx = client_context()
            if client_list:
                ctx.set_alpn_protocols(client_list)
            s = ctx.wrap_socket(dial(PORT), server_hostname="localhost")
            print("client", client_list, s.selected_alpn_protocol(), recv_exact(s, 8))
            s.close()
