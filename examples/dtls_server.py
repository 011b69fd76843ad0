# A DTLS echo server following the documentation's HelloVerify dance, serving
# clients in turn forever. Each client gets its own connected UDP socket on
# the same port (SO_REUSEADDR): the kernel hands a connected socket its
# client's datagrams and new clients' to the unconnected one, so a server
# that keeps the connected sockets (in threads or an event loop) can serve
# many clients at the same time.
#   micropython dtls_server.py [port]   (needs server.der / server.key, as the TLS example)
import socket
import ssl
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 4433

ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
ctx.load_cert_chain("server.der", "server.key")


def new_socket():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(socket.getaddrinfo("0.0.0.0", PORT)[0][-1])
    return sock


while True:
    sock = new_socket()
    _, client_addr = sock.recvfrom(1, socket.MSG_PEEK)
    sock.connect(client_addr)  # connect back to the client
    try:
        # Same context, same client_id: the retry after HelloVerify succeeds.
        conn = ctx.wrap_socket(sock, server_side=True, client_id=repr(client_addr).encode())
    except OSError as e:
        print(client_addr, e.args[-1])  # "Hello Verify Required" first, or a stray datagram
        sock.close()
        continue
    data = conn.recv(1024)
    conn.send(data)
    conn.close()
