# An io.IOBase stream whose readinto() or write() returns a negative count too large to be an
# errno (MicroPython's convention is -errno): an OSError that names the method and the count,
# on the TLS path and for plain stream use (print to the stream). (The count used to be
# truncated into the int errcode: -2**32 read as success, as 0 bytes, i.e. an EOF; -(2**32 + 11)
# as EAGAIN, a stream that would block for ever.) A true -errno still reports that errno.
import io
from _safety import TLS13, client_context, server_context, stream_pair, connect, live, baseline

start = baseline()


def report(label, f):
    try:
        print(label, "ok:", repr(f()))
    except OSError as e:
        text = " ".join(str(a) for a in e.args)
        print(label, "OSError", e.args[0] if isinstance(e.args[0], int) else "",
              "names it:", "returned invalid length" in text)


COUNTS = (-(2**32), -(2**32 + 11), -(2**40), -5)

def tls(hook, count):
    client, server, stream = stream_pair(client_context(TLS13), server_context())
    print("handshake:", connect(client, server))
    setattr(stream, hook + "_count", lambda n, size: count)
    server.write(b"hello")
    report("TLS %s %d:" % (hook, count), lambda: client.read(5) if hook == "read" else client.write(b"abc"))
    client.close()
    server.close()


for count in COUNTS:
    for hook in ("read", "write"):
        tls(hook, count)


class Sink(io.IOBase):
    def __init__(self, count):
        self.count = count

    def write(self, buf):
        return self.count


for count in COUNTS:
    report("print to a stream %d:" % count, lambda: print("x", file=Sink(count)))
print("TLS allocations left:", live() - start)
