# Creating and dropping 1000 contexts (certificate, key and CA loaded), 100 connections
# (handshake, data, close) and 50 failed handshakes leave the MicroPython heap and the process's
# resident memory where they started: nothing leaks, in the GC heap or outside it.
import gc
import os
import ssl
from _common import client_context, connect, data, mem_usage

CERT, KEY, CA = data("server_ec.crt.der"), data("server_ec.key.der"), data("ca.crt.pem")
CLIENT = client_context()


def contexts(n):
    for _ in range(n):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(CERT, KEY)
        ctx.load_verify_locations(cadata=CA)
        ctx = None
        gc.collect()


def connections(n):
    for _ in range(n):
        s = CLIENT.wrap_socket(connect("TLS12_EC"), server_hostname="localhost")
        s.write(b"leak?\n")
        s.readline()
        s.close()


def failed_handshakes(n):
    for _ in range(n):
        sock = connect("EXPIRED")
        try:
            CLIENT.wrap_socket(sock, server_hostname="localhost")
        except Exception:  # expected: the certificate has expired
            pass
        sock.close()



def rss_allowance_kb():
    # Under AddressSanitizer (make test-asan: Mbed TLS on libc's allocator) freed blocks wait
    # in its quarantine, resident, up to quarantine_size_mb (set in ASAN_OPTIONS by
    # tests/reliability/reliability.mk), and its allocator keeps a few MB of its own: that much
    # growth is the sanitizer's. Leaks outside the GC heap are LeakSanitizer's there.
    for option in (os.getenv("ASAN_OPTIONS") or "").split(":"):
        if option.startswith("quarantine_size_mb="):
            return (int(option.split("=")[1]) + 4) * 1024
    return 512


for label, loop, n in (
    ("contexts", contexts, 1000),
    ("connections", connections, 100),
    ("failed handshakes", failed_handshakes, 50),
):
    loop(5)  # warm up: first-use allocations are not leaks
    heap0, rss0 = mem_usage()
    loop(n)
    heap1, rss1 = mem_usage()
    heap = "ok" if heap1 - heap0 < 16 * n else "grew %d B" % (heap1 - heap0)
    rss = "ok" if rss1 - rss0 < rss_allowance_kb() else "grew %d kB" % (rss1 - rss0)
    print(label, n, "heap", heap, "rss", rss)
