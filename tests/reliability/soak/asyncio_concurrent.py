# Soak 2: ROUNDS rounds of CLIENTS (default 100) concurrent asyncio TLS connections against
# one asyncio TLS server of this process (asyncio.start_server(..., ssl=ctx) and
# open_connection(..., ssl=ctx) on loopback), every client verified and answered. Each
# connection holds about 22 KB of Mbed TLS state on each side while open: run with
# -X heapsize=16M. After a warm-up round, the heap in use, the TLS allocations alive, the
# resident set and the open descriptors must be flat across rounds. Run by `make soak`:
#   MPSSL_CERTS=build/certs MPSSL_PORT_BASE=24000 build/micropython-test -X heapsize=16M \
#       tests/reliability/soak/asyncio_concurrent.py
import sys

sys.path.append(sys.argv[0].rsplit("/", 2)[0])  # tests/reliability, for _inmemory
sys.path.append(sys.argv[0].rsplit("/", 3)[0] + "/asyncio_tls")  # for _tls_helpers
import asyncio
import gc
import os
import time
from _inmemory import live, proc_usage, touch_heap
from _tls_helpers import client_context, server_context, start_server

CLIENTS = int(os.getenv("MPSSL_SOAK_CLIENTS") or "100")
ROUNDS = int(os.getenv("MPSSL_SOAK_ROUNDS") or "4")
HEAP_TOLERANCE = 8192  # bytes (asyncio's queues and the stream objects' free lists)
RSS_TOLERANCE = 1024  # KiB
state = {"open": 0, "max": 0, "all": None}  # all: an Event set once every client is open


async def handle(reader, writer):
    state["open"] += 1
    state["max"] = max(state["max"], state["open"])
    if state["max"] >= CLIENTS:
        state["all"].set()
    try:
        line = await reader.readline()
        # Hold the connection until every client is connected: they really are concurrent.
        # (An Event, not a poll: a hundred handlers waking every few ms would make the round
        # measure asyncio's queue instead of the connections.)
        await asyncio.wait_for(state["all"].wait(), 20)
        writer.write(b"ack " + line)
        await writer.drain()
    finally:
        writer.close()
        await writer.wait_closed()
        state["open"] -= 1


async def client(i, ctx, port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ctx, server_hostname="localhost")
    try:
        writer.write(b"%d\n" % i)
        await writer.drain()
        return await reader.readline() == b"ack %d\n" % i
    finally:
        writer.close()
        await writer.wait_closed()


async def round_of(ctx, port):
    state["max"] = 0
    state["all"] = asyncio.Event()
    results = await asyncio.gather(*(client(i, ctx, port) for i in range(CLIENTS)), return_exceptions=True)
    failed = [(i, r) for i, r in enumerate(results) if r is not True]
    for i, r in failed[:5]:
        print("client", i, "failed:", repr(r))
    return len(results) - len(failed), state["max"]


def measure():
    gc.collect()
    rss, fds = proc_usage()
    return gc.mem_alloc(), live(), rss, fds


async def main():
    touch_heap()
    # A listen backlog for every client: with asyncio's default of 5 the kernel drops the
    # other clients' SYNs, and they connect only after TCP's retransmission back-off (1 s,
    # 3 s, 7 s ...): the rounds then measure the kernel's timers and overrun the time limit.
    server, port = await start_server(handle, server_context(), backlog=CLIENTS)
    ctx = client_context()
    ok = True
    marks = []
    for r in range(ROUNDS):
        started = time.ticks_ms()
        good, most = await round_of(ctx, port)
        await asyncio.sleep_ms(50)  # let the server's handlers finish closing
        marks.append(measure())
        print("round %d: %d of %d clients ok, %d open at once, %.1f s, heap %d, TLS allocations %d, RSS %d KiB, fds %d"
              % ((r, good, CLIENTS, most, time.ticks_diff(time.ticks_ms(), started) / 1000) + marks[-1]))
        ok = ok and good == CLIENTS and most == CLIENTS
    server.close()
    await server.wait_closed()
    (heap0, live0, rss0, fds0), (heap1, live1, rss1, fds1) = marks[0], marks[-1]
    print("after round 0 -> after round %d: heap %+d bytes (tolerance %d), TLS allocations %+d (0), RSS %+d KiB (%d), fds %+d (0)"
          % (ROUNDS - 1, heap1 - heap0, HEAP_TOLERANCE, live1 - live0, rss1 - rss0, RSS_TOLERANCE, fds1 - fds0))
    flat = heap1 - heap0 <= HEAP_TOLERANCE and live1 == live0 and rss1 - rss0 <= RSS_TOLERANCE and fds1 == fds0
    return ok and flat


passed = asyncio.run(asyncio.wait_for(main(), 110))
print("SOAK", "PASS" if passed else "FAIL")
sys.exit(0 if passed else 1)
