# DTLS Connection ID (RFC 9146, SSLContext.dtls_cid_len): the client's datagrams start leaving
# from a new UDP port mid-session (a proxy, CPython, rebinds after the client's first record,
# as a NAT does), and data keeps flowing both ways. The server demultiplexes as a server with
# many clients does: a datagram belongs to this connection if it carries the connection's ID,
# or, without IDs, if it comes from the connection's address; anything else is someone else's
# and dropped here. Its replies go to the address of the last record that authenticated (RFC
# 9146 6). Run twice: with IDs (the server asks for 8 bytes, the client for none) the three
# records are echoed; without, the moved client's records are dropped and both ends time out.
import sys

sys.path.append(".")
import io
import socket
import ssl
from _dtls import Keepalive, Proxy, client_context, server_context, udp_bind, udp_connect

RUNS = ((8, 0), (None, None))  # (server's dtls_cid_len, client's)
# How long an end waits for a record once the handshake is done (a read may wait twice; the
# runner gives up on an instance silent for 10 s).
TIMEOUT_S = 2


class Connection(io.IOBase):
    # One client's datagrams out of a server socket shared with others.
    def __init__(self, sock, addr):
        self.sock = sock
        self.addr = addr  # where replies go
        self.last_addr = addr  # where the last datagram taken came from
        self.cid = None  # the ID the client puts on its records, once agreed
        self.dropped = 0

    def ours(self, datagram, addr):
        if self.cid and datagram[0] == 25:  # tls12_cid: the ID follows the 11-byte header
            return datagram[11 : 11 + len(self.cid)] == self.cid
        return addr == self.addr

    def readinto(self, buf):
        while True:
            datagram, addr = self.sock.recvfrom(2048)
            if self.ours(datagram, addr):
                self.last_addr = addr
                n = min(len(buf), len(datagram))
                buf[:n] = datagram[:n]
                return n
            self.dropped += 1

    def write(self, buf):
        return self.sock.sendto(buf, self.addr)

    def ioctl(self, req, arg):
        if req == 3:  # MP_STREAM_POLL: a blocking socket, whose read waits (up to its timeout)
            return arg & 0x0005
        return 0 if req == 4 else -22  # MP_STREAM_CLOSE: the socket is the server's


def accept(ctx, sock):
    # What the last client sent after the server closed (its close_notify) is no ClientHello.
    while True:
        head, addr = sock.recvfrom(5, socket.MSG_PEEK)
        if head[0] == 22 and head[3:5] == b"\0\0":
            break
        sock.recvfrom(2048)
    conn = Connection(sock, addr)
    while True:
        try:
            return ctx.wrap_socket(conn, server_side=True, client_id=repr(addr).encode()), conn
        except OSError as e:
            if "Hello Verify" not in str(e):
                raise


def instance0():
    sock, port = udp_bind()
    multitest.globals(PORT=port)
    multitest.next()
    for run, (server_cid, _) in enumerate(RUNS):
        ctx = server_context()
        ctx.dtls_cid_len = server_cid
        sock.settimeout(None)
        s, conn = accept(ctx, sock)
        sock.settimeout(TIMEOUT_S)
        ids = s.dtls_cid
        conn.cid = ids[0] if ids else None
        print("server: ids (own, peer) lengths:", ids and (len(ids[0]), len(ids[1])))
        addrs = set()
        for _ in range(3):
            try:
                data = s.recv(64)
            except OSError:
                data = None
            if not data:  # the stream's timeout: None or ETIMEDOUT
                print("server: no record in time; datagrams dropped:", conn.dropped > 0)
                break
            conn.addr = conn.last_addr  # it authenticated: replies follow the client
            addrs.add(conn.addr)
            s.send(data.upper())
            print("server got", data)
        print("server: client seen at", len(addrs), "addresses")
        multitest.broadcast("server done %d" % run)
        multitest.wait("client done %d" % run)
        s.close()
    multitest.wait("proxy done")  # its keepalive has stopped


def instance1():
    proxy = Proxy(PORT)
    multitest.globals(PROXY=proxy.port)
    multitest.next()
    keepalive = Keepalive(multitest.broadcast, "proxy")
    moved = []

    def relay(data, from_client):
        proxy.forward(data, from_client)
        if from_client and data[0] == 22 and data[3:5] == b"\0\0":
            moved.append(False)  # a ClientHello: a new connection
        elif from_client and data[0] in (23, 25) and not moved[-1]:
            proxy.move()  # after the connection's first record
            moved[-1] = True

    proxy.run(relay, ["server done %d" % (len(RUNS) - 1), "client done %d" % (len(RUNS) - 1)])
    keepalive.stop()
    multitest.broadcast("proxy done")
    print("proxy: moved once per connection:", moved.count(True) == len(RUNS))


def instance2():
    multitest.next()
    for run, (_, client_cid) in enumerate(RUNS):
        ctx = client_context()
        ctx.dtls_cid_len = client_cid
        sock = udp_connect(PROXY)
        s = ctx.wrap_socket(sock, server_hostname="localhost")
        sock.settimeout(TIMEOUT_S)
        ids = s.dtls_cid
        print("client: ids (own, peer) lengths:", ids and (len(ids[0]), len(ids[1])))
        try:
            for i in range(3):
                s.send(b"record %d" % i)
                print("client got", s.recv(64))
        except OSError as e:
            print("client: recv failed:", e.args[0] in (110, 11))
        s.close()
        multitest.broadcast("client done %d" % run)
        multitest.wait("server done %d" % run)
    multitest.wait("proxy done")
