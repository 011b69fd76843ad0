# Helpers for the asyncio TLS tests: certificates, contexts and a free port.
#
# The certificates come from tools/make-certs.sh, in the directory named by
# MPSSL_CERTS (default: build/certs of this repository).
import asyncio
import os
import tls

CERTS = os.getenv("MPSSL_CERTS") or "../../build/certs"
PORT_BASE = int(os.getenv("MPSSL_PORT_BASE") or "24000")


def read(name):
    with open(CERTS + "/" + name, "rb") as f:
        return f.read()


def server_context(name="server_ec", verify_mode=tls.CERT_NONE):
    ctx = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(read(name + ".crt.der"), read(name + ".key.der"))
    if verify_mode != tls.CERT_NONE:
        ctx.verify_mode = verify_mode
        ctx.load_verify_locations(cadata=read("ca.crt.der"))
    return ctx


def client_context(cert=None):
    # tls.SSLContext clients verify by default (CERT_REQUIRED); say it anyway.
    ctx = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    ctx.verify_mode = tls.CERT_REQUIRED
    ctx.load_verify_locations(cadata=read("ca.crt.der"))
    if cert:
        ctx.load_cert_chain(read(cert + ".crt.der"), read(cert + ".key.der"))
    return ctx


async def start_server(cb, ssl, backlog=5):
    # MicroPython cannot say which port 0 got: try ports upward from the base.
    for port in range(PORT_BASE, PORT_BASE + 200):
        try:
            return await asyncio.start_server(cb, "127.0.0.1", port, backlog=backlog, ssl=ssl), port
        except OSError:
            pass
    raise OSError("no free port")


def describe(e):
    # An exception in the expected output: its type and, for OSError, its
    # code's sign (TLS failures are negative Mbed TLS codes, socket errors
    # positive errno values) without the exact wording.
    if isinstance(e, OSError) and e.args and isinstance(e.args[0], int):
        return "OSError %s" % ("tls" if e.args[0] < 0 else "errno")
    return type(e).__name__
