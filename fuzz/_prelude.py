# Shared by every fuzz target (fuzz/fuzz_mpssl.c runs this, then the target's script, once;
# then fuzz_one(data) per input). Also runs under build/micropython-test, for fuzz/record_seeds.py.
import gc
import io
import os
import ssl
import _mpssl_testing

CERTS = os.getenv("MPSSL_CERTS") or "build/certs"
ENOUGH = 64  # reads and writes per input before the harness gives up driving


def cert(name):
    with open(CERTS + "/" + name, "rb") as f:
        return f.read()


class Datagrams(io.IOBase):
    # One end of an in-memory datagram link (the ssl module wants a C stream: io.IOBase turns
    # its read, write and ioctl into calls of the methods below). readinto() returning None is
    # "would block"; a datagram is read whole or its tail is lost, as with UDP. Every write is
    # kept in `sent`.
    def __init__(self):
        self.inbox = []
        self.sent = []

    def readinto(self, buf):
        if not self.inbox:
            return None
        data = self.inbox.pop(0)
        n = min(len(buf), len(data))
        buf[:n] = data[:n]
        return n

    def write(self, buf):
        self.sent.append(bytes(buf))
        return len(buf)

    def ioctl(self, req, arg):
        if req == 3:  # MP_STREAM_POLL
            return (arg & 0x0004) | ((arg & 0x0001) if self.inbox else 0)
        if req == 4:  # MP_STREAM_CLOSE
            return 0
        return -22  # EINVAL


def drive(sock, rounds=ENOUGH):
    # Read from sock until it has nothing more (None), ends (b"") or raises; answer what it
    # reads, so the write path runs too. Exceptions are the harness's business: let them go.
    for _ in range(rounds):
        got = sock.read(4096)
        if not got:
            return
        sock.write(got[:64])


def quietly(f, *args):
    try:
        return f(*args)
    except Exception:
        return None


class Leak(Exception):
    pass


BASE = []


def live():
    gc.collect()
    return _mpssl_testing.live_allocations()


def fuzz_one(data):
    # Runs the target's run(data). Afterwards every TLS allocation made for it must be back.
    # Some first-use allocations stay for the process's life (PSA's key slots and algorithms,
    # the random generator): when the count grew, the input runs again, and only if it grows
    # again is it a leak.
    if not BASE:
        BASE.append(live())
    run(data)
    if live() != BASE[0]:
        before = live()
        run(data)
        if live() != before:
            raise Leak("%d TLS allocations not freed" % (live() - before))
        BASE[0] = live()


def pieces(data, sep=b"\xff\xfe"):
    # An input split into pieces at a two-byte separator (the fuzzer finds it in the seeds).
    return data.split(sep)
