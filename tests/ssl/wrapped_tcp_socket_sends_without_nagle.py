# Wrapping a TCP socket turns Nagle's algorithm off on it (TCP_NODELAY), for our client (TLS 1.2
# and 1.3 against openssl s_server) and our server (an accepted socket): the records of one write() already leave in one send, so Nagle would save no
# segment and only hold a write back until the peer acknowledged the one before (a request
# written in small pieces, a reply behind session tickets; docs/latency.md). A socket option,
# not a timing: _mpssl_testing.tcp_nodelay() reads it from the descriptor.
import socket
import ssl
import _mpssl_testing
from _common import client_context, connect, listen, server_context

for peer in ("TLS12_EC", "TLS13_EC"):
    sock = connect(peer)
    before = _mpssl_testing.tcp_nodelay(sock)
    s = client_context().wrap_socket(sock, server_hostname="localhost")
    s.write(b"hello\n")
    print("client to", peer, "TCP_NODELAY before wrap:", before, "after:", _mpssl_testing.tcp_nodelay(sock), "reply:", s.readline())
    s.close()

# Our server: its accepted socket, wrapped without a handshake (the option is set at the wrap).
lsock, port = listen()
dialer = socket.socket()
dialer.connect(socket.getaddrinfo("127.0.0.1", port)[0][-1])
conn, _ = lsock.accept()
before = _mpssl_testing.tcp_nodelay(conn)
s = server_context().wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
print("server TCP_NODELAY before wrap:", before, "after:", _mpssl_testing.tcp_nodelay(conn))
s.close()
dialer.close()
lsock.close()
