# After a fatal TLS error every read and write raises the same OSError(code, message) until
# close(); close() works, and poll does not raise. After close() every read and write raises
# OSError, and close() again is harmless. Same after a normal connection is closed.
import select
import ssl
from _common import attempt, client_context, connect, describe, raised

ctx = client_context(mode=ssl.CERT_NONE)
s = ctx.wrap_socket(connect("GARBAGE"), do_handshake_on_connect=False)
errors = []
for label, call, args in (
    ("write", s.write, (b"x",)),
    ("read", s.read, (1,)),
    ("write again", s.write, (b"y",)),
    ("readline", s.readline, ()),
):
    try:
        call(*args)
        print(label + ": no error")
    except Exception as e:
        errors.append(e.args)
        print(label + ":", describe(e), len(e.args))
print("same error each time", len(errors) == 4 and all(a == errors[0] for a in errors))
poller = select.poll()
poller.register(s, select.POLLIN)
print("poll in failed state:", raised(poller.poll, 0))
print("close:", attempt(s.close))
print("write after close:", raised(s.write, b"z"))
print("read after close:", raised(s.read, 1))
print("close again:", attempt(s.close))

s = client_context().wrap_socket(connect("TLS13_EC"), server_hostname="localhost")
s.write(b"open\n")
print("open connection:", s.readline())
print("close:", attempt(s.close))
for label, call, args in (
    ("write", s.write, (b"x\n",)),
    ("read", s.read, (1,)),
    ("readline", s.readline, ()),
    ("send", s.send, (b"x",)),
    ("recv", s.recv, (1,)),
):
    print(label, "after close:", raised(call, *args))
print("close again:", attempt(s.close))
