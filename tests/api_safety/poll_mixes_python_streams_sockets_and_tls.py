# select.poll with a stream written in Python, plain sockets and an SSLSocket in one set
# (patches/micropython/0003): registering a fifth descriptor after a Python stream moved the
# pollfds array and gave the Python stream a wild pointer (segfault in poll() before the
# patch); the Python stream is never handed the C-only MP_STREAM_GET_POLL_WAKE request; and
# that request from Python's ioctl() is refused (its argument would be taken as a C pointer).
import io
import select
import socket
import ssl

GET_POLL_WAKE = 12
asked = []


class Pollable(io.IOBase):
    def ioctl(self, req, arg):
        asked.append(req)
        if req == 3:  # MP_STREAM_POLL: always writable
            return arg & select.POLLOUT
        return -1


p = select.poll()
py = Pollable()
p.register(py, select.POLLOUT)
socks = []
for i in range(9):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    socks.append(s)
    p.register(s, select.POLLOUT)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
tls = ctx.wrap_socket(socket.socket(), server_hostname="localhost", do_handshake_on_connect=False)
p.register(tls, select.POLLIN)
ready = p.poll(0)
print("ready", len(ready), "Python stream among them", any(o is py for o, e in ready))
for s in socks:
    p.unregister(s)
print("after unregistering the sockets", [e for o, e in p.poll(0) if o is py])
print("Python stream asked for the wake request", GET_POLL_WAKE in asked)
try:
    tls.ioctl(GET_POLL_WAKE, 0)
    print("ioctl(12) from Python answered")
except OSError as e:
    print("ioctl(12) from Python refused, EINVAL", e.errno == 22)
tls.close()
for s in socks:
    s.close()
