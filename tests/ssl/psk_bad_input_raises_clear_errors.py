# PSK settings refuse what they cannot use with an exception that says what to do, and keep
# their previous value: identities of the wrong type or length, keys given as text or too long,
# server settings on a client and the reverse, a CPython identity_hint (Mbed TLS sends none).
# A client callback that raises, answers the wrong shape or finalises its context fails
# wrap_socket(); one that changes its answer while another connection of the context is open is
# refused. A server's lookup that answers a non-bytes or too long key fails the server's
# handshake with that error.
import ssl
from _common import loopback


def show(label, f):
    try:
        f()
        print(label, "ok")
    except Exception as e:
        print(label, type(e).__name__, e)


def setter(ctx, name, value):
    return lambda: setattr(ctx, name, value)


c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
c.psk_identity = "dev1"
c.psk_key = b"k" * 16
for label, value in (("int", 5), ("empty", ""), ("129 bytes", "x" * 129), ("bytearray", bytearray(b"id"))):
    show("psk_identity " + label, setter(c, "psk_identity", value))
show("psk_identity 128 bytes", setter(c, "psk_identity", "x" * 128))
c.psk_identity = b"dev1"
for label, value in (("hex text", "c0ffee"), ("int", 5), ("empty", b""), ("49 bytes", b"k" * 49)):
    show("psk_key " + label, setter(c, "psk_key", value))
print("kept:", c.psk_identity, c.psk_key)
key = bytearray(b"k" * 48)
c.psk_key = key
key[0] = 0
print("bytearray copied:", c.psk_key == b"k" * 48, type(c.psk_key).__name__)
c.psk_key = None
print("cleared:", c.psk_key)

show("server_psk_keys on a client", setter(c, "server_psk_keys", {}))
show("server_psk_keys without get", setter(s, "server_psk_keys", 5))
show("set_psk_server_callback on a client", lambda: c.set_psk_server_callback(print))
show("set_psk_client_callback on a server", lambda: s.set_psk_client_callback(print))
show("callback not callable", lambda: s.set_psk_server_callback(5))
show("identity_hint", lambda: s.set_psk_server_callback(print, "hint"))
show("identity_hint None", lambda: s.set_psk_server_callback(print, identity_hint=None))
show("callback removed", lambda: s.set_psk_server_callback(None))


def client_with(callback):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_psk_client_callback(callback)
    return ctx


def server_with(callback):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.set_psk_server_callback(callback)
    return ctx


def fail(hint):
    raise RuntimeError("no key provisioned")


good = lambda hint: ("dev1", b"k" * 16)
for label, cb in (
    ("client callback raises", fail),
    ("client callback answers a str", lambda hint: "dev1"),
    ("client callback answers 3 items", lambda hint: ("dev1", b"k", b"k")),
    ("client callback key too long", lambda hint: ("dev1", b"k" * 49)),
    ("client callback identity None", lambda hint: (None, b"k" * 16)),
):
    show(label, lambda: loopback(server_with(lambda i: b"k" * 16), client_with(cb)))

def finalises(hint):
    finalised.__del__()
    return ("dev1", b"k" * 16)


finalised = client_with(finalises)
show("client callback finalises its context", lambda: loopback(server_with(lambda i: b"k" * 16), finalised))

for label, cb in (
    ("server callback answers an int", lambda identity: 5),
    ("server callback answers 49 bytes", lambda identity: b"k" * 49),
):
    show(label, lambda: loopback(server_with(cb), client_with(good)))

answers = [("dev1", b"k" * 16), ("dev1", b"k" * 16), ("dev2", b"k" * 16)]
cctx = client_with(lambda hint: answers.pop(0))
sctx = server_with(lambda identity: b"k" * 16)
first, first_server, _ = loopback(sctx, cctx)
show("same answer, first connection open", lambda: loopback(sctx, cctx)[0].close())
show("changed answer, first connection open", lambda: loopback(sctx, cctx))
first.close()
first_server.close()
