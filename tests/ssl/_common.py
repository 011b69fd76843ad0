# Helpers shared by the tests in tests/ssl and tests/multi (those add "../ssl" to sys.path).
# Runs on MicroPython and CPython. The harness, tools/run-tests.py, provides the environment:
# certificates, peers and the s_client service described there.

import io
import os
import select
import socket
import time

CERTS = os.getenv("MPSSL_CERTS")
HOST = "127.0.0.1"

# Mbed TLS error codes the tests expect, by name.
TLS_ERRORS = {
    -0x2700: "X509_CERT_VERIFY_FAILED",
    -0x6600: "SSL_ILLEGAL_PARAMETER",
    -0x6E00: "SSL_HANDSHAKE_FAILURE",
    -0x7200: "SSL_INVALID_RECORD",
    -0x7280: "SSL_CONN_EOF",
    -0x7300: "SSL_DECODE_ERROR",
    -0x7480: "SSL_NO_CLIENT_CERTIFICATE",
    -0x7680: "SSL_CA_CHAIN_REQUIRED",
    -0x7700: "SSL_UNEXPECTED_MESSAGE",
    -0x7780: "SSL_FATAL_ALERT_MESSAGE",
    -0x7880: "SSL_PEER_CLOSE_NOTIFY",
    -0x7A00: "SSL_BAD_CERTIFICATE",
}

# Verification failures a "certificate verify failed: ..." message names, by the phrases that
# name them.
VERIFY_REASONS = (
    ("expired", ("expired",)),
    ("not yet valid", ("not yet valid", "future")),
    ("hostname mismatch", ("hostname mismatch",)),
    ("unknown CA", ("unknown CA",)),
)


def path(name):
    return CERTS + "/" + name


def data(name):
    with open(path(name), "rb") as f:
        return f.read()


def peercert(name):
    # CPython's getpeercert() dict for certificate NAME, written by the harness.
    with open(path(name + ".peercert")) as f:
        return eval(f.read())


def addr(port):
    return socket.getaddrinfo(HOST, port)[0][-1]


def dial(port):
    # A plain TCP socket connected to port on loopback.
    s = socket.socket()
    s.connect(addr(port))
    return s


def connect(peer):
    # A plain TCP socket connected to the harness peer PEER (see tools/run-tests.py).
    return dial(int(os.getenv("MPSSL_PORT_" + peer)))


def listen():
    # A listening socket on a free port >= MPSSL_PORT_BASE, and its port.
    base = int(os.getenv("MPSSL_PORT_BASE"))
    for port in range(base, base + 200):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr(port))
            s.listen(2)
            return s, port
        except OSError:
            s.close()
    raise OSError("no free port from %d" % base)


def describe(e):
    # A stable one-line description of exception e: for a TLS error the Mbed TLS code name (and
    # for a verification failure the reasons its message names), for a socket error the errno
    # name, for a ValueError the message, else just the type.
    if (
        isinstance(e, OSError)
        and len(e.args) == 2
        and isinstance(e.args[0], int)
        and e.args[0] < 0
    ):
        text = "OSError " + TLS_ERRORS.get(e.args[0], str(e.args[0]))
        if e.args[0] == -0x2700:
            msg = str(e.args[1])
            found = [label for label, phrases in VERIFY_REASONS if any(p in msg for p in phrases)]
            text += " [%s]" % ", ".join(found)
            if not msg.startswith("certificate verify failed: "):
                text += " without the 'certificate verify failed: ' prefix"
        return text
    if isinstance(e, OSError):
        import errno

        return "OSError %s" % errno.errorcode.get(e.args[0], e.args[0]) if e.args else "OSError"
    if isinstance(e, ValueError):
        return "ValueError %r" % (e.args,)
    return type(e).__name__


def attempt(f, *args, **kwargs):
    # "ok" or describe() of what f(*args, **kwargs) raised.
    try:
        f(*args, **kwargs)
        return "ok"
    except Exception as e:
        return describe(e)


def raised(f, *args, **kwargs):
    # "ok" or the name of the exception type f(*args, **kwargs) raised.
    try:
        f(*args, **kwargs)
        return "ok"
    except Exception as e:
        return type(e).__name__


def recv_exact(s, n):
    # n bytes from blocking stream s (portable: CPython's read() may return less).
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            break
        buf += chunk
    return buf


def talk(ctx, peer, hostname="localhost", line=b"hello mpssl\n"):
    # Connect ctx to the `s_server -rev` peer PEER, send line and return the reply (line
    # reversed), or describe() of the exception; the connection is closed either way.
    s = connect(peer)
    try:
        ss = ctx.wrap_socket(s, server_hostname=hostname)
    except Exception as e:
        s.close()
        return describe(e)
    try:
        ss.write(line)
        return ss.readline()
    except Exception as e:
        return describe(e)
    finally:
        ss.close()


def server_context(cert="server_ec.crt.pem", key="server_ec.key.pem", mode=None):
    # A TLS server context presenting files cert and key; with mode, verifying clients against
    # the test CA.
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(path(cert), path(key))
    if mode is not None:
        ctx.verify_mode = mode
        ctx.load_verify_locations(cafile=path("ca.crt.pem"))
    return ctx


def client_context(cafile="ca.crt.pem", mode=None):
    # A TLS client context verifying peers against CA file cafile (None: no CA loaded).
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if mode == ssl.CERT_NONE and hasattr(ctx, "check_hostname"):
        ctx.check_hostname = False  # CPython refuses CERT_NONE while it checks hostnames
    ctx.verify_mode = ssl.CERT_REQUIRED if mode is None else mode
    if cafile:
        ctx.load_verify_locations(cafile=path(cafile))
    return ctx


def client_exchange(ctx, port, msg=b"hello"):
    # Client side of a connection in a multi test: handshake with localhost:port, send msg and
    # read the echo. Returns the echo, or "rejected" (an exception, or EOF instead of the echo).
    sock = dial(port)
    try:
        s = ctx.wrap_socket(sock, server_hostname="localhost")
        s.sendall(msg)
        got = recv_exact(s, len(msg))
        s.close()
        return got or "rejected"
    except OSError:
        sock.close()
        return "rejected"


def server_exchange(lsock, ctx, n=5):
    # Server side of client_exchange: accept, handshake, echo n bytes. Returns (echoed bytes,
    # client certificate dict), or ("rejected", None).
    conn, _ = lsock.accept()
    try:
        s = ctx.wrap_socket(conn, server_side=True)
        got = recv_exact(s, n)
        cert = s.getpeercert()
        s.sendall(got)
        s.close()
        return got, cert
    except OSError:
        conn.close()
        return "rejected", None


def s_client(variant, port):
    # Ask the harness to run openssl s_client VARIANT (S_CLIENTS in tools/run-tests.py)
    # against port; returns a ticket for s_client_result().
    ticket = "%s/%s-%d" % (os.getenv("MPSSL_RUN"), variant, port)
    with open(ticket + ".tmp", "w") as f:
        f.write("%s %d" % (variant, port))
    os.rename(ticket + ".tmp", ticket + ".req")
    return ticket


def s_client_result(ticket, timeout_s=25):
    # What s_client reported: dict with rc, protocol_version, ciphersuite, verification, received.
    for _ in range(timeout_s * 50):
        try:
            with open(ticket + ".out") as f:
                result = eval(f.read())
            os.remove(ticket + ".out")
            return result
        except OSError:
            time.sleep(0.02)
    return {"rc": "no answer from the s_client service"}


def loopback(server_ctx, client_ctx, hostname="localhost", payload=b"ping"):
    # Connect a client and a server of this process over loopback TCP, both non-blocking and
    # wrapped with do_handshake_on_connect=False so the handshake advances inside read/write,
    # waiting on select.poll between steps. The client sends payload, the server answers
    # b"echo:" + payload. Returns (client, server, stats); raises what either side raised.
    lsock, port = listen()
    c = dial(port)
    s, _ = lsock.accept()
    lsock.close()
    c.setblocking(False)
    s.setblocking(False)
    cs = client_ctx.wrap_socket(c, server_hostname=hostname, do_handshake_on_connect=False)
    ss = server_ctx.wrap_socket(s, server_side=True, do_handshake_on_connect=False)
    poller = select.poll()
    poller.register(cs, select.POLLIN)
    poller.register(ss, select.POLLIN)
    sides = (cs, ss)
    reply = b"echo:" + payload
    out = [payload, b""]  # bytes each side still has to write
    want = [len(reply), len(payload)]  # bytes each side waits for
    got = [b"", b""]
    stats = {"would_block": 0, "poll_timeouts": 0, "rounds": 0}
    try:
        while len(got[0]) < want[0]:
            stats["rounds"] += 1
            if stats["rounds"] > 500:
                raise OSError("loopback: no progress after 500 rounds")
            for i in (0, 1):
                if len(got[i]) < want[i]:
                    r = sides[i].read(want[i] - len(got[i]))
                    if r is None:
                        stats["would_block"] += 1
                    elif not r:
                        raise OSError("loopback: unexpected EOF")
                    else:
                        got[i] += r
                        if i == 1 and len(got[1]) == want[1]:
                            out[1] = reply
                if out[i]:
                    n = sides[i].write(out[i])
                    if n is None:
                        stats["would_block"] += 1
                    else:
                        out[i] = out[i][n:]
            if len(got[0]) < want[0] and not poller.poll(2000):
                stats["poll_timeouts"] += 1
    except Exception:
        cs.close()
        ss.close()
        raise
    stats["client_got"], stats["server_got"] = got
    return cs, ss, stats


def mem_usage():
    # (bytes used in MicroPython's GC heap after a collection, resident set size in KiB).
    import gc

    gc.collect()
    with open("/proc/self/statm") as f:
        rss_pages = int(f.read().split()[1])
    return gc.mem_alloc(), rss_pages * 4


class Gate(io.IOBase):
    # A socket whose writes can be made to block (write() returns None while shut): a stream
    # in Python for tests of writes that would block (MicroPython only).
    def __init__(self, sock):
        self.sock = sock
        self.shut = False

    def readinto(self, buf):
        return self.sock.readinto(buf)

    def write(self, buf):
        return None if self.shut else self.sock.write(buf)

    def ioctl(self, req, arg):
        if req == 3:  # MP_STREAM_POLL
            return (arg & 0x0001) | (0 if self.shut else arg & 0x0004)
        return 0
