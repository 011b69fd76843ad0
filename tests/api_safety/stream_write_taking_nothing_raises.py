# A stream written in Python whose write() returns 0 for a non-empty buffer, as if it took none
# of the bytes yet could take more: the connection fails with an OSError naming write() and
# saying what it should return, at once. (The handshake's flight used to be offered to it again
# and again for ever, a hang; here the stream gives up after 1000 calls, which shows as a
# RuntimeError. Application data was reported written while it sat in Mbed TLS's buffer.)
from _safety import TLS12, TLS13, Stream, client_context, server_context, stream_pair, connect, live, baseline
import _mpssl_testing

start = baseline()


class TakesNothing(Stream):
    def __init__(self, end):
        super().__init__(end)
        self.calls = 0
        self.taking = True

    def write(self, buf):
        if self.taking:
            return super().write(buf)
        self.calls += 1
        if self.calls > 1000:
            raise RuntimeError("write() called 1000 times")
        return 0


def report(label, f, stream):
    try:
        result = "ok: %r" % (f(),)
    except Exception as e:
        text = " ".join(str(a) for a in e.args)
        result = "%s, names write(): %s, says what to return: %s" % (
            type(e).__name__, "write() returned 0" in text, "or None when it would block" in text)
    print(label, result, "| write() calls:", stream.calls)


def run(suite, when, blocking):
    a, b = _mpssl_testing.pipe()
    stream = TakesNothing(a)
    server = server_context().wrap_socket(b, server_side=True, do_handshake_on_connect=False)
    if when == "handshake":
        stream.taking = False
        ctx = client_context(suite)
        client = [None]

        def wrap():
            client[0] = ctx.wrap_socket(stream, server_hostname="localhost", do_handshake_on_connect=blocking)
            return client[0].write(b"x")

        report("%s %s blocking=%s:" % (suite, when, blocking), wrap, stream)
        client = client[0]
    else:
        client = client_context(suite).wrap_socket(stream, server_hostname="localhost", do_handshake_on_connect=False)
        print(suite, "handshake:", connect(client, server))
        stream.taking = False
        report("%s %s:" % (suite, when), lambda: client.write(b"data"), stream)
    if client is not None:
        client.close()
    server.close()


for suite in (TLS12, TLS13):
    run(suite, "handshake", True)
    run(suite, "handshake", False)
    run(suite, "data", False)
print("TLS allocations left:", live() - start)
