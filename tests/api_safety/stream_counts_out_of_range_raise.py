# A stream written in Python whose readinto() or write() reports more bytes than the buffer it
# was given held: the TLS connection fails with an OSError that names the lie, on the stream
# (TLS) path and the datagram (DTLS) path, reading and writing, instead of Mbed TLS reading
# past its buffer (a heap overflow on the DTLS client's read). An honest count still works.
import ssl
from _safety import TLS12, TLS13, Stream, client_context, server_context, stream_pair, transfer, live, baseline
import _mpssl_testing

start = baseline()


def report(label, f):
    try:
        print(label, "ok:", f())
    except OSError as e:
        text = " ".join(str(a) for a in e.args)
        print(label, type(e).__name__, "names the lie:", "returned" in text and ("readinto()" in text or "write()" in text))


def tls(suite, hook, extra):
    client, server, stream = stream_pair(client_context(suite), server_context())
    if extra:
        setattr(stream, hook + "_count", lambda n, size: size + extra)
    try:
        transfer(client, server, b"ping")
        transfer(server, client, b"pong" * 1000)
        return "data intact"
    finally:
        client.close()
        server.close()


for suite in (TLS12, TLS13):
    for hook in ("read", "write"):
        for extra in (0, 1, 100):
            report("%s %s +%d:" % (suite, hook, extra), lambda: tls(suite, hook, extra))


class Datagrams(Stream):
    # A datagram "socket" whose peer is silent: a ServerHello-sized datagram of zeros arrives
    # each time, and readinto() reports `extra` bytes more than the buffer holds.
    def __init__(self, extra, hook):
        self.extra = extra
        self.hook = hook
        self.sent = 0

    def readinto(self, buf):
        n = min(len(buf), 60)
        buf[:n] = bytes(n)
        return len(buf) + self.extra if self.hook == "read" else n

    def write(self, buf):
        self.sent += 1
        return len(buf) + self.extra if self.hook == "write" else len(buf)

    def ioctl(self, request, arg):
        return 0 if request == 4 else arg  # close, poll: always ready


def dtls(hook, extra):
    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
    s = ctx.wrap_socket(Datagrams(extra, hook), do_handshake_on_connect=False)
    try:
        for _ in range(3):
            s.write(b"x")
        return "no error"
    finally:
        s.close()


for hook in ("read", "write"):
    for extra in (1, 20000):
        report("DTLS %s +%d:" % (hook, extra), lambda: dtls(hook, extra))
print("TLS allocations left:", live() - start)
