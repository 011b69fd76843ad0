# The API fuzzer's helpers (fuzz/api/apifuzz.py puts this file at the head of every case it
# runs, so that a case saved on failure runs alone). MicroPython, test build: the in-memory pipe
# is _mpssl_testing's.
#
# A case is a list of statements, each run as
#     try: STATEMENT
#     except BaseException as e: _caught(e)
#     _done(N)
# Any Exception is an ordinary outcome. What fails the case (APIFUZZ-FAIL on stdout, exit
# status 3): a SystemExit, KeyboardInterrupt or GeneratorExit raised by one of our callbacks or
# streams that does not come out of the statement that ran it (swallowed, or turned into
# another exception), a verify_callback certificate whose bytes change after the callback
# returned, and a call in _must_raise() that returns. The driver adds crashes, sanitizer
# reports and hangs.
import gc
import io
import os
import ssl
import sys
import _mpssl_testing

gc.disable()  # finalisers run at the _gc() statements only: a case replays the same way

_CERTS = os.getenv("MPSSL_CERTS") or "build/certs"


def _file(name):
    with open(_CERTS + "/" + name, "rb") as f:
        return f.read()


CERT = _file("server_ec.crt.der")
KEY = _file("server_ec.key.der")
CERT_PEM = _file("server_ec.crt.pem")
KEY_PEM = _file("server_ec.key.pem")
CERT_RSA = _file("server_rsa.crt.der")
KEY_RSA = _file("server_rsa.key.der")
CA = _file("ca.crt.der")
CA_PEM = _file("ca.crt.pem")
CERT_PATH = _CERTS + "/server_ec.crt.der"
KEY_PATH = _CERTS + "/server_ec.key.der"
CA_PATH = _CERTS + "/ca.crt.der"

_kept = []  # (object, its bytes when kept or None): arguments our callbacks kept
_pending = []  # non-Exceptions raised by our callbacks in this statement, not yet seen
_caught_last = [None]
_in_gc = [False]
_MARK = "apifuzz"


_CRASHES_ONLY = os.getenv("APIFUZZ_CRASHES_ONLY") == "1"  # apifuzz.py --crashes-only


def _fail(message):
    if _CRASHES_ONLY:
        print("APIFUZZ-NOTE", message)
        _pending.clear()
        return
    print("APIFUZZ-FAIL", message)
    sys.exit(3)


def _caught(e):
    _caught_last[0] = e
    if isinstance(e, Exception):
        return
    if e.args and e.args[0] == _MARK:
        _pending.clear()  # ours, and it came out: as it should
        return
    raise e


def _done(n):
    if _pending:
        got = _caught_last[0]
        what = "no exception" if got is None else "%s %r" % (type(got).__name__, got.args)
        _fail("statement %d: %s raised in a callback or stream came out as %s" % (n, type(_pending[0]).__name__, what))
    _caught_last[0] = None


def _must_raise(what, f, *args, **kwargs):
    # A call the documentation or issue 15 rules out (what: a protocol or mode out of range, a
    # name with a NUL byte): it must raise an Exception, not return.
    result = f(*args, **kwargs)
    shown = [_show(a) for a in args] + ["%s=%s" % (k, _show(v)) for k, v in sorted(kwargs.items())]
    print("APIFUZZ-ARGS", ", ".join(shown))
    _fail("accepted: " + what)
    return result


def _show(value):
    if value is None or type(value) in (bool, int, str, bytes, list):
        return repr(value)
    return type(value).__name__


def _gc():
    # Finalisers may call our streams; MicroPython itself reports what they raise.
    _in_gc[0] = True
    try:
        gc.collect()
    finally:
        _in_gc[0] = False
        _pending.clear()


_native = []  # sockets over the native pipe (its empty end never becomes readable)


def _track(sock, stream):
    if type(stream).__name__ == "PipeEnd":
        _native.append(sock)


def _py(x):
    # x, unless a blocking handshake on it would wait for ever: the native pipe, or a socket
    # over it.
    if type(x).__name__ == "PipeEnd" or any(x is s for s in _native):
        raise ValueError("apifuzz: would block for ever")
    return x


def _ref(x):
    # "@name" in an action's arguments: the case's object of that name, when it runs.
    if isinstance(x, str) and x.startswith("@"):
        return globals().get(x[1:])
    return x


_RAISE = {
    "OSError": lambda: OSError(5),
    "ValueError": lambda: ValueError(_MARK),
    "MemoryError": lambda: MemoryError(),
    "SystemExit": lambda: SystemExit(_MARK),
    "KeyboardInterrupt": lambda: KeyboardInterrupt(_MARK),
    "GeneratorExit": lambda: GeneratorExit(_MARK),
}
_NOTHING = object()


def _act(action, buf):
    # Runs an action of a plan; returns what the caller must return, or _NOTHING to go on.
    if action is None:
        return _NOTHING
    kind = action[0]
    if kind == "raise":
        exc = _RAISE[action[1]]()
        if not isinstance(exc, Exception) and not _in_gc[0]:
            _pending.append(exc)
        raise exc
    if kind == "keep":
        _kept.append((buf, None))
    elif kind == "call":
        target = _ref(action[1])
        try:
            if action[2] == "do_handshake":
                _py(target)
            getattr(target, action[2])(*[_ref(a) for a in action[3]])
        except Exception:
            pass
    elif kind == "gc":
        _in_gc[0] = True
        try:
            gc.collect()
        finally:
            _in_gc[0] = False
    elif kind == "ret":
        return action[1]
    return _NOTHING


def _touch():
    # Reads every kept argument; writes into the stream buffers kept (the certificates must
    # keep their bytes).
    for obj, snapshot in _kept:
        try:
            now = bytes(obj)
        except Exception:
            continue
        if snapshot is not None:
            if now != snapshot:
                _fail("a verify_callback certificate changed after the callback returned")
            continue
        try:
            if len(obj):
                obj[0] = obj[0] ^ 0x5A
                obj[-1] = obj[-1] ^ 0x5A
        except Exception:
            pass


class Cb:
    # verify_callback (and the PSK and signing callbacks, which take one or two arguments):
    # plan maps a call's number (from 0) to an action; returns ret otherwise.
    def __init__(self, plan, ret=0):
        self.plan = plan
        self.ret = ret
        self.calls = 0

    def __call__(self, cert, depth=None):
        action = self.plan.get(self.calls)
        self.calls += 1
        if action == ("keep",):
            _kept.append((cert, bytes(cert)))
            action = None
        got = _act(action, cert)
        return self.ret if got is _NOTHING else got


class SniCb(Cb):
    # sni_callback: as Cb (the name in the place of the certificate); with switch (a reference
    # such as "@c2"), it first sets sslsocket.context to that.
    def __init__(self, plan, ret=None, switch=None):
        super().__init__(plan, ret)
        self.switch = switch

    def __call__(self, sock, name, ctx):
        if self.switch is not None:
            sock.context = _ref(self.switch)
        return super().__call__(name, 0)


class End(io.IOBase):
    # One end of an in-memory pipe written in Python: bytes, or datagrams (dgram). plan maps a
    # call's number (readinto, write and ioctl counted together) to an action; ("more", k)
    # returns k more than the call really moved. Empty, it would block, and after 30 calls
    # without data it reports ETIMEDOUT: the handshake's wait ends (a blocking socket's would
    # when its timeout expires).
    def __init__(self, dgram, plan):
        self.dgram = dgram
        self.plan = plan
        self.calls = 0
        self.inbox = []
        self.peer = None
        self.closed = False
        self.idle = 0

    def _next(self, buf):
        action = self.plan.get(self.calls)
        self.calls += 1
        more = action[1] if action is not None and action[0] == "more" else None
        return (_NOTHING if more is not None else _act(action, buf)), more

    def readinto(self, buf):
        got, more = self._next(buf)
        if got is not _NOTHING:
            return got
        if self.closed:
            raise OSError(9)
        if not self.inbox:
            if self.peer is None or self.peer.closed:
                return 0
            self.idle += 1
            return -110 if self.idle > 30 else None
        data = self.inbox[0]
        n = min(len(data), len(buf))
        buf[:n] = data[:n]
        if self.dgram or n == len(data):
            self.inbox.pop(0)
        else:
            self.inbox[0] = data[n:]
        return n if more is None else n + more

    def write(self, buf):
        got, more = self._next(buf)
        if got is not _NOTHING:
            return got
        if self.closed or self.peer is None or self.peer.closed:
            raise OSError(32)
        self.peer.inbox.append(bytes(buf))
        self.peer.idle = 0
        return len(buf) if more is None else len(buf) + more

    def ioctl(self, request, arg):
        got, more = self._next(None)
        if got is not _NOTHING:
            return got
        if request == 4:  # close
            self.closed = True
            return 0
        if request == 3:  # poll
            ready = arg & 4
            if self.inbox or self.peer is None or self.peer.closed or self.idle > 30:
                ready |= arg & 1
            else:
                self.idle += 1
            return ready
        return -22

    def setblocking(self, flag):
        pass

    def settimeout(self, timeout):
        pass


def _pipe(kind, plan_a=None, plan_b=None):
    # Two connected ends: "native" (_mpssl_testing.pipe(), bytes), "stream" or "dgram" (End).
    if kind == "native":
        return _mpssl_testing.pipe()
    a = End(kind == "dgram", plan_a or {})
    b = End(kind == "dgram", plan_b or {})
    a.peer = b
    b.peer = a
    return a, b


def _pump(a, b, rounds, data=b"ping"):
    # Drives two sockets against each other (handshakes advance inside reads and writes).
    for _ in range(rounds):
        for x, y in ((a, b), (b, a)):
            try:
                x.write(data)
            except Exception:
                pass
            try:
                y.read(64)
            except Exception:
                pass
