# With do_handshake_on_connect=False on non-blocking sockets, the handshake advances inside read
# and write, which return None while they would block; select.poll on the wrapped sockets wakes
# each side when it can progress (never timing out while the peer has sent something). Also with
# a payload of many records, where non-blocking writes may be partial.
from _common import client_context, data, loopback, server_context

server = server_context()
client = client_context()

cs, ss, stats = loopback(server, client, payload=b"non-blocking ping")
print("server got", stats["server_got"])
print("client got", stats["client_got"])
print("read/write returned None", stats["would_block"] > 0)
print("poll timeouts", stats["poll_timeouts"])
print("same suite", cs.cipher() == ss.cipher(), cs.cipher()[1])
print("client has server cert", cs.getpeercert(True) == data("server_ec.crt.der"))
print("server has no client cert", ss.getpeercert(True))
cs.close()
ss.close()

payload = bytes(range(256)) * 200
cs, ss, stats = loopback(server, client, payload=payload)
print("large: server got all", stats["server_got"] == payload)
print("large: client got all", stats["client_got"] == b"echo:" + payload)
print("large: poll timeouts", stats["poll_timeouts"])
cs.close()
ss.close()
