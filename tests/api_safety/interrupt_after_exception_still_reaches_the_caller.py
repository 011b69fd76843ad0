# A stream written in Python may raise more than once inside one Mbed TLS call: Mbed TLS goes
# on after a poll that raised (it reads as "not ready"), and the DTLS server's first read is
# retried. If an Exception (ValueError) came first and a KeyboardInterrupt (or SystemExit)
# after it, the interrupt must reach the caller, not the ValueError: found by the API fuzzer
# (fuzz/api, seed 660175191: a DTLS server whose stream's 5th call raised ValueError and 6th
# KeyboardInterrupt reported the ValueError). For each place N of the ValueError in the stream's
# calls (readinto, write and ioctl counted together), with the interrupt at N + 1: the caller
# gets the interrupt whenever the stream raised it.
import io
import ssl
from _safety import client_context, server_context
from _inmemory import data

MP_STREAM_POLL = 3


class Quiet(io.IOBase):
    # A stream with no peer: reads would block, polls say "not ready", writes are taken; after
    # 30 calls reads time out (ETIMEDOUT), so a blocking handshake ends. Call `first` raises
    # ValueError, call `first` + 1 the interrupt.
    def __init__(self, first, interrupt):
        self.calls = 0
        self.first = first
        self.interrupt = interrupt
        self.interrupted = False

    def _count(self):
        self.calls += 1
        if self.calls == self.first:
            raise ValueError("first")
        if self.calls == self.first + 1:
            self.interrupted = True
            raise self.interrupt("second")

    def readinto(self, buf):
        self._count()
        return -110 if self.calls > 30 else None

    def write(self, buf):
        self._count()
        return len(buf)

    def ioctl(self, request, arg):
        self._count()
        return 0 if request == MP_STREAM_POLL else -22


def contexts():
    yield "TLS client", client_context(), {"server_hostname": "localhost"}
    yield "TLS server", server_context(), {"server_side": True}
    dtls = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
    dtls.load_cert_chain(data("server_ec.crt.der"), data("server_ec.key.der"))
    yield "DTLS server", dtls, {"server_side": True, "client_id": b"peer"}


for name, ctx, kwargs in contexts():
    for interrupt in (KeyboardInterrupt, SystemExit):
        lost = []
        for first in range(1, 12):
            stream = Quiet(first, interrupt)
            try:
                ctx.wrap_socket(stream, **kwargs).close()
                got = None
            except BaseException as e:
                got = type(e)
            if stream.interrupted and got is not interrupt:
                lost.append((first, got.__name__ if got else None))
        print(name, interrupt.__name__, "lost:", lost)
