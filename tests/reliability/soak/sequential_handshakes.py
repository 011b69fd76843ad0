# Soak 1: COUNT (default 5000) sequential TLS connections between a client and a server of this
# process over _mpssl_testing.pipe() (handshake, a message each way, close), alternating TLS 1.2
# and TLS 1.3, plus one failed handshake (wrong CA) every 50. After a warm-up, the MicroPython
# heap in use, the TLS allocations alive, the process's resident set and its open descriptors
# must end where they started, within the tolerances below. Run by `make soak`:
#   MPSSL_CERTS=build/certs build/micropython-test tests/reliability/soak/sequential_handshakes.py
import sys

sys.path.append(sys.argv[0].rsplit("/", 2)[0])  # tests/reliability, for _inmemory
import gc
import os
import time
from _inmemory import TLS12, TLS13, client_context, exchange, live, proc_usage, server_context, touch_heap

COUNT = int(os.getenv("MPSSL_SOAK_COUNT") or "5000")
HEAP_TOLERANCE = 4096  # bytes of GC heap (fragmentation of the free lists may move a little)
RSS_TOLERANCE = 512  # KiB

SERVER = server_context()
CLIENTS = (client_context(TLS12), client_context(TLS13))
STRANGER = client_context(TLS13, verify=False)
STRANGER.verify_mode = 2  # CERT_REQUIRED with no CA loaded: every server is unknown


def one(i):
    if i % 50 == 49:
        try:
            exchange(STRANGER, SERVER)
            raise AssertionError("a server signed by an unknown CA was accepted")
        except OSError:
            pass
    else:
        exchange(CLIENTS[i % 2], SERVER, b"soak %d" % i, b"ok" * 600)


def measure():
    gc.collect()
    rss, fds = proc_usage()
    return gc.mem_alloc(), live(), rss, fds


touch_heap()
for i in range(100):  # warm-up: first-use allocations, heap and RSS high-water marks
    one(i)
heap0, live0, rss0, fds0 = measure()
started = time.ticks_ms()
for i in range(COUNT):
    one(i)
elapsed = time.ticks_diff(time.ticks_ms(), started) / 1000
heap1, live1, rss1, fds1 = measure()

print("connections:", COUNT, "in %.1f s" % elapsed)
print("heap: %d -> %d bytes (tolerance %d)" % (heap0, heap1, HEAP_TOLERANCE))
print("TLS allocations alive: %d -> %d (tolerance 0)" % (live0, live1))
print("RSS: %d -> %d KiB (tolerance %d)" % (rss0, rss1, RSS_TOLERANCE))
print("open descriptors: %d -> %d (tolerance 0)" % (fds0, fds1))
flat = heap1 - heap0 <= HEAP_TOLERANCE and live1 == live0 and rss1 - rss0 <= RSS_TOLERANCE and fds1 == fds0
print("SOAK", "PASS" if flat else "FAIL")
sys.exit(0 if flat else 1)
