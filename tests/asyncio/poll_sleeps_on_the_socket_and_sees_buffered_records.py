# select.poll on our SSLSocket, the way asyncio uses it (patches/micropython/0003, docs/latency.md):
# - with nothing to read, poll() sleeps on the socket's descriptor until the peer writes: a
#   handful of sleeps, where polling the SSLSocket every millisecond would sleep hundreds of
#   times in the peer's 0.3 s pause;
# - records Mbed TLS already holds are never missed: the peer sends two records in one TCP
#   segment, we read part of the first, and poll() says "readable" without sleeping at all (the
#   rest of the first record is decrypted in our buffer; no new network data comes);
# - a write blocked behind a full socket waits for room on the descriptor, then everything
#   arrives intact.
# CPython is the peer (its records built through a MemoryBIO, so that two leave in one send); it
# dials, and is the TLS server.
import select
import socket
import ssl
import sys
import time

sys.path.append("../ssl")
sys.path.append("../records")
sys.path.append("../asyncio")
from _common import client_context, dial, listen, server_context

PAUSE = 0.3
CHUNK = 16384


def pattern(offset, n):
    return bytes((offset + i) % 251 for i in range(n))


def instance1():
    # CPython: the TLS server.
    from _observed import Observed

    multitest.next()
    conn = dial(PORT)
    peer = Observed(conn, server_context(), server_side=True)
    peer.call(peer.obj.do_handshake)
    print("server got", peer.read_exact(2))
    peer.call(peer.obj.write, b"ready")
    time.sleep(PAUSE)
    # Two records, one send.
    peer.obj.write(b"A" * 100)
    peer.obj.write(b"B" * 100)
    conn.sendall(peer.outgoing.read())
    multitest.wait("full")
    time.sleep(PAUSE)
    got = 0
    intact = True
    try:
        while True:
            data = peer.call(peer.obj.read, 65536)
            if not data:
                break
            intact = intact and data == pattern(got, len(data))
            got += len(data)
    except (ssl.SSLEOFError, ssl.SSLZeroReturnError, EOFError):
        pass
    print("server read back the blocked writes intact", intact, got > 4 * CHUNK)
    conn.close()


def instance0():
    # MicroPython: our TLS client.
    from _sleeps import wait

    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    conn, _ = lsock.accept()
    lsock.close()
    s = client_context().wrap_socket(conn, server_hostname="localhost")
    s.write(b"go")
    print("client got", s.read(5))

    events, slept = wait(s, select.POLLIN)
    print("peer wrote: readable", events == select.POLLIN, "slept a few times", slept <= 5)
    if slept > 5:
        print("slept", slept)
    first = s.read(50)
    events, slept = wait(s, select.POLLIN)
    print("rest of the record buffered: readable", events == select.POLLIN, "without sleeping", slept == 0)
    if slept > 0:
        print("slept", slept)
    data = first
    while len(data) < 200:
        data += s.read(200 - len(data))
    print("both records", data == b"A" * 100 + b"B" * 100)

    # Fill the socket until a write would block, with a record of ours pending.
    s.setblocking(False)
    sent = 0
    while True:
        n = s.write(pattern(sent, CHUNK))
        if n is None:
            break
        sent += n
    multitest.broadcast("full")
    events, slept = wait(s, select.POLLOUT)
    print("peer reads: writable", events == select.POLLOUT, "slept a few times", slept <= 5)
    if slept > 5:
        print("slept", slept)
    s.setblocking(True)
    s.close()
