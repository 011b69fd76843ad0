# Anti-replay after the handshake: a proxy (instance1, CPython) sends every
# application data datagram twice, both ways, and replays earlier ones after
# later records (the first record and the client's Finished flight after the
# fourth record, the third after the fifth). Each end gets every record
# exactly once, in order, without an error.
import sys

sys.path.append(".")
import select
import time
from _dtls import client_context, server_context, udp_bind, udp_connect, accept
from _dtls import flight, Proxy

COUNT = 5


def receive(s, ms):
    # Every record's data that arrives within ms.
    got = []
    poller = select.poll()
    poller.register(s, select.POLLIN)
    deadline = time.ticks_add(time.ticks_ms(), ms)
    while time.ticks_diff(deadline, time.ticks_ms()) > 0:
        if poller.poll(max(0, time.ticks_diff(deadline, time.ticks_ms()))):
            data = s.recv(256)
            if data:
                got.append(data)
    return got


def instance0():
    sock, port = udp_bind(900)
    multitest.globals(PORT=port)
    multitest.next()
    s = accept(server_context(), sock, verbose=False)
    s.setblocking(False)
    got = []
    while len(got) < COUNT:
        for data in receive(s, 200):
            got.append(data)
            s.send(data.upper())
    got += receive(s, 500)  # replays that come late
    s.close()
    multitest.broadcast("done server")
    multitest.wait("proxy done")
    print("server got:", got)


def instance1():
    proxy = Proxy(PORT, 350)
    multitest.globals(PROXY=proxy.port)
    multitest.next()
    finished = []
    sent = []

    def relay(datagram, from_client):
        name = flight(datagram, from_client)
        again = []
        if name == "client finished flight":
            finished.append(datagram)
        elif name in ("client data", "server data"):
            again.append(datagram)
            if from_client:
                sent.append(datagram)
                if len(sent) == 4:
                    again += [sent[0], finished[-1]]
                elif len(sent) == 5:
                    again.append(sent[2])
        for d in [datagram] + again:
            proxy.forward(d, from_client)

    proxy.run(relay, ["done server", "done client"])
    multitest.broadcast("proxy done")
    print("proxy: replayed", len(sent), "client records")


def instance2():
    multitest.next()
    s = client_context().wrap_socket(udp_connect(PROXY), server_hostname="localhost")
    s.setblocking(False)
    got = []
    for i in range(COUNT):
        s.send(b"record %d" % i)
        got += receive(s, 300 if i < COUNT - 1 else 800)
    s.close()
    multitest.broadcast("done client")
    multitest.wait("proxy done")
    print("client got:", got)
