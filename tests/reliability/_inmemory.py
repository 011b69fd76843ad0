# Helpers for tests/reliability: TLS and DTLS between a client and a server of this process over
# _mpssl_testing.pipe() (two in-memory stream ends; an empty end "would block", so SSL reads and
# writes return None until the peer has written). MicroPython only: the pipe is a test hook of
# our module. Certificates come from MPSSL_CERTS (tools/make-certs.sh, see tools/run-tests.py).
import gc
import os
import ssl
import _mpssl_testing

CERTS = os.getenv("MPSSL_CERTS") or "build/certs"

TLS12 = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
TLS13 = "TLS_AES_128_GCM_SHA256"


def data(name):
    with open(CERTS + "/" + name, "rb") as f:
        return f.read()


def server_context(cert="server_ec.crt.der", key="server_ec.key.der"):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(data(cert), data(key))
    return ctx


def client_context(suite=None, verify=True):
    # A client verifying the server against the test CA; suite limits the handshake to one
    # cipher suite, hence to its TLS version.
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if verify:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cadata=data("ca.crt.der"))
    if suite:
        ctx.set_ciphers([suite])
    return ctx


def pair(client_ctx, server_ctx, hostname="localhost", session=None):
    # A client (offering session, if any) and a server SSLSocket over one in-memory pipe, the
    # handshake not yet started (it runs inside the first reads and writes). If the second wrap
    # raises, the first socket is closed before the exception goes on.
    a, b = _mpssl_testing.pipe()
    client = client_ctx.wrap_socket(a, server_hostname=hostname, do_handshake_on_connect=False, session=session)
    try:
        server = server_ctx.wrap_socket(b, server_side=True, do_handshake_on_connect=False)
    except BaseException:
        client.close()
        raise
    return client, server


class Stalled(Exception):
    pass


def transfer(src, dst, payload, rounds=400):
    # src writes payload, dst reads it; either end's handshake advances inside these calls.
    # Returns what dst read; raises Stalled if neither end makes progress for `rounds` turns.
    sent = 0
    got = b""
    idle = 0
    while sent < len(payload) or len(got) < len(payload):
        progress = False
        if sent < len(payload):
            n = src.write(payload[sent:])
            if n:
                sent += n
                progress = True
        chunk = dst.read(len(payload) - len(got))
        if chunk:
            got += chunk
            progress = True
        elif chunk == b"":
            raise Stalled("EOF after %d of %d bytes" % (len(got), len(payload)))
        idle = 0 if progress else idle + 1
        if idle > rounds:
            raise Stalled("no progress: sent %d, got %d" % (sent, len(got)))
    return got


def exchange(client_ctx, server_ctx, payload=b"ping", reply=b"pong" * 1500, session=None, keep=None):
    # A whole connection: handshake (offering session, if any), payload client -> server, reply
    # server -> client (spans records), both closed. Raises what either end raised; closes both
    # ends whatever happens. Returns the TLS allocation count when the data had arrived, before
    # the closes. With keep (a list), appends the client's session and whether it was resumed.
    client, server = pair(client_ctx, server_ctx, session=session)
    try:
        if transfer(client, server, payload) != payload:
            raise AssertionError("client -> server data corrupted")
        if transfer(server, client, reply) != reply:
            raise AssertionError("server -> client data corrupted")
        if keep is not None:
            keep += [client.session, client.session_reused]
        return _mpssl_testing.allocations()
    finally:
        client.close()
        server.close()


def live():
    # TLS allocations not yet freed, after a collection (finalisers of dropped sockets run).
    gc.collect()
    return _mpssl_testing.live_allocations()


def proc_usage():
    # (resident set size in KiB, open file descriptors) of this process.
    with open("/proc/self/statm") as f:
        rss = int(f.read().split()[1]) * 4
    return rss, len(os.listdir("/proc/self/fd"))


def touch_heap():
    # Fills the GC heap once and lets it go, so every page of it is resident: the RSS measured
    # afterwards does not grow merely because the allocator reached fresh heap pages.
    hog = []
    try:
        while True:
            hog.append(bytearray(4096))
    except MemoryError:
        pass
    hog = None
    gc.collect()
