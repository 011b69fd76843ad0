# A stream written in Python whose ioctl(MP_STREAM_POLL) sets bits nobody asked for (any int is
# accepted from it): the SSLSocket's poll answers only with the directions asked for and the
# error conditions (ERR, HUP, NVAL). (The stream's bits used to be passed on: select.poll()
# counted the socket ready on a bit it then dropped, leaving a hole in its result list, and
# printing that list crashed; an unasked-for bit showed up in poll() and ioctl() results.)
import select
from _safety import TLS13, Stream, client_context, server_context, connect, outcome, live, baseline
import _mpssl_testing

start = baseline()
MP_STREAM_POLL = 3


class ExtraBits(Stream):
    def __init__(self, end, extra):
        super().__init__(end)
        self.extra = extra

    def ioctl(self, request, arg):
        if request == MP_STREAM_POLL:
            return self.extra(arg)
        return super().ioctl(request, arg)


def run(label, extra):
    a, b = _mpssl_testing.pipe()
    client = client_context(TLS13).wrap_socket(ExtraBits(a, extra), server_hostname="localhost", do_handshake_on_connect=False)
    server = server_context().wrap_socket(b, server_side=True, do_handshake_on_connect=False)
    print(label, "handshake:", connect(client, server))
    for events in (select.POLLIN, select.POLLOUT, select.POLLIN | select.POLLOUT):
        p = select.poll()
        p.register(client, events)
        print("  events", events, "poll():", [flags for obj, flags in p.poll(0)],
              "ioctl():", outcome(client.ioctl, MP_STREAM_POLL, events))
    client.close()
    server.close()


run("bit 40 alone:", lambda arg: 1 << 40)
run("asked | 0x100:", lambda arg: arg | 0x100)
run("asked | bit 40:", lambda arg: arg | (1 << 40))
print("TLS allocations left:", live() - start)
