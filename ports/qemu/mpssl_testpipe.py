# In-memory transport for TLS and DTLS tests on a board without a network:
# a pair of connected non-blocking endpoints, and drivers that run a client
# and a server in one process. Frozen into the qemu test firmware.
#
# The ssl module wants a stream implemented in C (read, write, ioctl): an
# io.IOBase subclass is one, since IOBase turns those C calls into calls of
# the Python methods readinto(), write() and ioctl() below. readinto()
# returning None means "would block" (EAGAIN).
import io

_POLL_RD = 0x0001
_POLL_WR = 0x0004
_IOCTL_CLOSE = 4
_IOCTL_POLL = 3


class Endpoint(io.IOBase):
    def __init__(self, inbox, outbox, datagram):
        self.inbox = inbox  # list of bytes: what the peer wrote
        self.outbox = outbox
        self.datagram = datagram
        self.sent = 0  # datagrams or writes made
        self.lose = ()  # numbers (from 1) of the writes lost in transit
        self.closed = False

    def readinto(self, buf):
        if not self.inbox:
            return None
        data = self.inbox[0]
        n = min(len(buf), len(data))
        buf[:n] = data[:n]
        if self.datagram or n == len(data):
            # A datagram is read whole or its tail is lost, as with UDP.
            self.inbox.pop(0)
        else:
            self.inbox[0] = data[n:]
        return n

    def write(self, buf):
        self.sent += 1
        if self.sent not in self.lose:
            self.outbox.append(bytes(buf))
        return len(buf)

    def ioctl(self, req, arg):
        if req == _IOCTL_POLL:
            ready = arg & _POLL_WR
            if self.inbox:
                ready |= arg & _POLL_RD
            return ready
        if req == _IOCTL_CLOSE:
            self.closed = True
            return 0
        return -22  # EINVAL


def pipe(datagram=False):
    a_to_b = []
    b_to_a = []
    return Endpoint(b_to_a, a_to_b, datagram), Endpoint(a_to_b, b_to_a, datagram)


def transfer(src, dst, data, rounds=2000):
    # src writes data, dst reads it; either end's handshake advances inside
    # these calls. Returns what dst read.
    sent = 0
    got = b""
    for _ in range(rounds):
        if sent < len(data):
            n = src.write(data[sent:])
            if n:
                sent += n
        chunk = dst.read(len(data) - len(got))
        if chunk:
            got += chunk
        if sent == len(data) and len(got) == len(data):
            return got
    raise AssertionError("transfer stalled: sent %d, got %d" % (sent, len(got)))


def tls_pair(client_ctx, server_ctx, hostname=None, session=None):
    # A client (offering session, if any) and a server SSL socket over one
    # in-memory pipe, handshake not yet started (it runs inside the first
    # reads and writes). Upstream's tls (footprint.py) knows no session.
    c, s = pipe()
    kw = {"session": session} if session is not None else {}
    client = client_ctx.wrap_socket(c, do_handshake_on_connect=False, server_hostname=hostname, **kw)
    server = server_ctx.wrap_socket(s, server_side=True, do_handshake_on_connect=False)
    return client, server
