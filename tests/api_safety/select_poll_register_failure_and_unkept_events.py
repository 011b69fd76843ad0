# select.poll stays usable after a register() that raises, and counts only events it keeps
# (patches/micropython/0004): both crashed the unix port's poll() before.
import errno
import io
import select


class Refusing(io.IOBase):
    # A stream written in Python whose ioctl raises for requests it does not know, such as
    # MP_STREAM_GET_FILENO, which register() asks.
    def ioctl(self, req, arg):
        if req == 3:  # MP_STREAM_POLL
            return arg & 1
        raise OSError(errno.EINVAL)


class HighBits(io.IOBase):
    # A stream written in Python whose poll answer has only bits above the 16 poll() keeps.
    def ioctl(self, req, arg):
        return 0x10000 if req == 3 else -errno.EINVAL


p = select.poll()
for bad in (1.5, -3, Refusing()):
    try:
        p.register(bad, select.POLLIN)
        print("registered", type(bad).__name__)
    except (OSError, TypeError, ValueError) as e:
        print("register", type(bad).__name__, type(e).__name__)
print("after failed registers", p.poll(10))
h = HighBits()
p.register(h, select.POLLIN)
print("high bits only", p.poll(10))
print("ipoll", list(p.ipoll(10)))
p.unregister(h)
# An object registered after the failures is polled as before.
class Ready(io.IOBase):
    def ioctl(self, req, arg):
        return arg & 1 if req == 3 else -errno.EINVAL


ready = Ready()
p.register(ready, select.POLLIN)
print("ready", [(o is ready, ev) for o, ev in p.poll(10)])
