# Helpers for tests/api_safety: Python code that a user could write around an SSLSocket (a
# verify_callback, a stream written in Python) doing what it should not (re-entering, closing,
# raising, keeping its arguments, lying about counts), over in-memory pipes. MicroPython only.
import io
import sys

sys.path.append("../reliability")  # run-tests.py runs each test from its own directory
from _inmemory import TLS12, TLS13, client_context, server_context, pair, transfer, data, live
import _mpssl_testing

MP_STREAM_POLL = 3
MP_STREAM_CLOSE = 4


class Stream(io.IOBase):
    # A stream written in Python over one end of an in-memory pipe. on_read(buf) and
    # on_write(buf), if set, run inside each readinto() and write(): the place a user's code
    # re-enters from. read_count(n, len) and write_count(n, len) may change the counts reported.
    def __init__(self, end):
        self.end = end
        self.on_read = None
        self.on_write = None
        self.read_count = self.write_count = lambda n, size: n

    def readinto(self, buf):
        if self.on_read:
            self.on_read(buf)
        chunk = self.end.read(len(buf))
        if chunk is None:
            return None
        buf[: len(chunk)] = chunk
        return self.read_count(len(chunk), len(buf))

    def write(self, buf):
        if self.on_write:
            self.on_write(buf)
        n = self.end.write(buf)
        return None if n is None else self.write_count(n, len(buf))

    def ioctl(self, request, arg):
        if request == MP_STREAM_CLOSE:
            self.end.close()
            return 0
        if request == MP_STREAM_POLL:
            return arg
        return -22  # EINVAL


def _warm_up():
    client, server = pair(client_context(), server_context())
    connect(client, server)
    client.close()
    server.close()


def baseline():
    # TLS allocations alive once one connection has come and gone, which sets up what the
    # module keeps for good (the random generator): a test that leaves nothing behind ends at
    # this count.
    _warm_up()
    for _ in range(3):
        live()
    return live()


def stream_pair(client_ctx, server_ctx, hostname="localhost", session=None):
    # As _inmemory.pair(), the client over a Stream: (client, server, the client's Stream).
    a, b = _mpssl_testing.pipe()
    stream = Stream(a)
    client = client_ctx.wrap_socket(stream, server_hostname=hostname, do_handshake_on_connect=False, session=session)
    server = server_ctx.wrap_socket(b, server_side=True, do_handshake_on_connect=False)
    return client, server, stream


def outcome(f, *args):
    # "ok: <result>" or what f(*args) raised: the type, and for OSError its errno name or code.
    try:
        return "ok: %r" % (f(*args),)
    except BaseException as e:
        return describe(e)


def describe(e):
    name = type(e).__name__
    if isinstance(e, OSError) and e.args and isinstance(e.args[0], int):
        import errno

        return "%s %s" % (name, errno.errorcode.get(e.args[0], e.args[0]))
    return name


def has_message(e):
    # Whether exception e says in words what happened (a str among its arguments).
    return any(isinstance(a, str) and len(a) > 10 for a in e.args)


def connect(client, server):
    # The handshake and one exchange each way; "ok" or describe() of what was raised.
    try:
        transfer(client, server, b"ping")
        transfer(server, client, b"pong")
        return "ok"
    except BaseException as e:
        return describe(e)
