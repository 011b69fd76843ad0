# Once a stream's exception has failed a connection and reached the caller, polling the
# connection reports it as failed (POLLNVAL, as for every failed connection) instead of
# raising the stream's exception again from poll(): an event loop polling many sockets must not
# get one connection's old exception out of poll(). The next read still raises it (the sticky
# error).
import select
from _safety import client_context, server_context, stream_pair, transfer

POLLNVAL = 0x20  # MP_STREAM_POLL_NVAL; MicroPython's select does not name it

client, server, stream = stream_pair(client_context(), server_context())


def fail(buf):
    raise ValueError("from the stream")


stream.on_write = fail
try:
    transfer(client, server, b"ping")
except ValueError as e:
    print("first:", repr(e))
stream.on_write = None

poller = select.poll()
poller.register(client, select.POLLIN)
try:
    events = poller.poll(0)
    print("poll:", [bool(flags & POLLNVAL) for _, flags in events])
except Exception as e:
    print("poll raised", type(e).__name__)
try:
    client.read(10)
except Exception as e:
    print("read:", repr(e))
client.close()
server.close()
