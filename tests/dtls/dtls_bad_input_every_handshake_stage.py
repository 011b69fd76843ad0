# Bad input at every stage of a DTLS handshake, on both sides: a proxy
# (instance1, CPython) between our client and our server sends the receiver
# of each flight random, truncated, oversized (> 16 KiB and > MTU) and
# bad-epoch datagrams before the flight, and the same plus replayed and
# bad-sequence records after it. DTLS drops what does not parse or
# authenticate: the handshake completes, data flows, nothing crashes or
# hangs; the server's failed accept attempts raise OSError with a message;
# afterwards the server serves a good client.
import sys

sys.path.append(".")
from _dtls import client_context, server_context, udp_connect, free_udp_port, accept_loop, live_allocations
from _dtls import records, record, flight, Proxy

STAGES = (
    "client hello",
    "hello verify",
    "client hello with cookie",
    "server hello flight",
    "client finished flight",
    "server finished flight",
    "client data",
    "server data",
)


def instance0():
    port = free_udp_port(700)
    multitest.globals(PORT=port)
    ctx = server_context()
    errors = []
    allocations = live_allocations()
    multitest.next()
    for name in ("proxied", "direct"):
        conn, sock = accept_loop(ctx, port, errors, sock if name == "direct" else None)
        for _ in range(3):
            conn.send(conn.recv(256).upper())
        conn.close()
        print("server: echoed 3 records to the", name, "client")
    sock.close()
    clear = all(isinstance(e, OSError) and isinstance(e.args[-1], str) for e, _ in errors)
    leaked = live_allocations() - allocations
    multitest.wait("proxy done")  # broadcasts must not meet a finished instance
    print("server: failed attempts raised OSError with a message:", clear)
    print("server: Mbed TLS allocations leaked:", leaked)


def garbage(datagram, rng, after):
    ct, epoch, seq, body = records(datagram)[0]
    out = [
        rng.randbytes(60),
        rng.randbytes(300),
        datagram[:5],
        datagram[:13],
        datagram[: len(datagram) // 2],
        datagram[:-1],
        record(ct, epoch, seq, rng.randbytes(17000)),  # > 16 KiB
        record(ct, epoch, seq, rng.randbytes(2000), length=3000),  # > MTU, cut short
        record(ct, 0x7FFF, seq, body),
        record(ct, epoch + 2, seq, body),
    ]
    if after:
        # The record again (a replay), with another body under its number,
        # and (authenticated epochs) under a number not seen yet.
        out += [datagram, record(ct, epoch, seq, rng.randbytes(len(body)))]
        # A replay and a record header cut short: no key needed, and before
        # patches/mbedtls/0003 it failed the connection (INTERNAL_ERROR).
        out.append(datagram + rng.randbytes(8))
        if epoch > 0:
            out.append(record(ct, epoch, seq + 1000, body))
        out.append(datagram * (1 + 1500 // len(datagram)))  # > MTU of replays
    return out


def instance1():
    import random

    rng = random.Random(2026)
    proxy = Proxy(PORT, 250)
    multitest.globals(PROXY=proxy.port)
    multitest.next()
    done = []
    counts = []

    def relay(datagram, from_client):
        name = flight(datagram, from_client)
        if name is None or name in done:
            proxy.forward(datagram, from_client)
            return
        done.append(name)
        before = garbage(datagram, rng, False)
        after = garbage(datagram, rng, True)
        for g in before + [datagram] + after:
            proxy.forward(g, from_client)
        counts.append(len(before) + len(after))

    proxy.run(relay, ["client done"])
    multitest.broadcast("proxy done")
    print("proxy: garbage at every stage:", [s for s in STAGES if s in done] == list(STAGES) and min(counts) >= 20)


def instance2():
    multitest.next()
    ctx = client_context()
    for name, port in (("proxied", PROXY), ("direct", PORT)):
        s = ctx.wrap_socket(udp_connect(port), server_hostname="localhost")
        echoed = 0
        for i in range(3):
            msg = b"%s record %d" % (name.encode(), i)
            s.send(msg)
            if s.recv(256) == msg.upper():
                echoed += 1
        s.close()
        print("client:", name, "handshake done,", echoed, "of 3 echoed")
        if name == "proxied":
            multitest.broadcast("client done")
    multitest.wait("proxy done")
