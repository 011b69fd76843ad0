# SSLContext.max_fragment_length: a client asks the server for small records (RFC 6066) and,
# once openssl s_server agrees, an established connection's input buffer never grows past the
# agreed size. Without a request the client still takes the 16 kB records s_server then sends
# (a 15 kB line comes back as one record), its input buffer growing for them
# (patches/mbedtls/0015); before such a record arrives every connection keeps small buffers.
# Under TLS 1.3 s_server's agreement arrives in EncryptedExtensions and must be accepted
# there, and the buffers shrink just the same once the handshake is over
# (patches/mbedtls/0013), tickets arriving after it included. The heap a connection keeps
# (its GC heap after the handshake and a line each way) is at most half of upstream
# MicroPython's after short lines, and with the request granted after the 15 kB line too,
# and never above upstream's. Bad values are ValueErrors.
import gc
import ssl
from _common import attempt, client_context, connect, describe

LINE = bytes(range(48, 123)) * 200  # 15 000 bytes; s_server -rev answers it reversed
# Upstream MicroPython 1.25's tls: heap kept by one client connection (bench/results.md).
UPSTREAM = 25559


def heap_and_round_trip(peer, length):
    ctx = client_context()
    ctx.max_fragment_length = length
    sock = connect(peer)
    gc.collect()
    before = gc.mem_alloc()
    try:
        s = ctx.wrap_socket(sock, server_hostname="localhost")
        s.write(b"hi\n")
        s.readline()
        gc.collect()
        heap_short = gc.mem_alloc() - before
        s.write(LINE + b"\n")
        back = s.read(len(LINE) + 1)
        while len(back) < len(LINE) + 1:
            back += s.read(len(LINE) + 1 - len(back))
        intact = back == bytes(reversed(LINE)) + b"\n"
        back = None
        gc.collect()
        heap_long = gc.mem_alloc() - before
        s.close()
        return (heap_short, heap_long), intact
    except OSError as e:
        sock.close()
        return (0, 0), describe(e)


print("client default", client_context().max_fragment_length)
# The first connection also makes what the module keeps for all of them (PSA's key slots).
heap_and_round_trip("TLS13_EC", None)
heaps = {}
for length in (None, 4096, 1024):
    heaps[length], intact = heap_and_round_trip("TLS12_EC", length)
    print("TLS 1.2 max_fragment_length", length, "15 kB line back intact:", intact)
print("short lines: at most half of upstream's heap:", all(0 < h[0] <= UPSTREAM // 2 for h in heaps.values()))
print("after 15 kB: 4096 saves at least 10 kB:", heaps[None][1] - heaps[4096][1] >= 10000)
print("after 15 kB: 1024 saves at least 15 kB:", heaps[None][1] - heaps[1024][1] >= 15000)
print("after 15 kB: 4096 at most half of upstream's heap:", heaps[4096][1] <= UPSTREAM // 2)
print("after 15 kB: None not above upstream's heap:", heaps[None][1] <= UPSTREAM)
for length in (None, 4096):
    heaps[length], intact = heap_and_round_trip("TLS13_EC", length)
    print("TLS 1.3 max_fragment_length", length, "15 kB line back intact:", intact)
print("TLS 1.3 short lines: at most half of upstream's heap:", all(0 < heaps[n][0] <= UPSTREAM // 2 for n in (None, 4096)))
print("TLS 1.3 after 15 kB: 4096 saves at least 10 kB:", heaps[None][1] - heaps[4096][1] >= 10000)
print("TLS 1.3 after 15 kB: 4096 at most half of upstream's heap:", heaps[4096][1] <= UPSTREAM // 2)
print("TLS 1.3 after 15 kB: None not above upstream's heap:", heaps[None][1] <= UPSTREAM)

# A certificate chain (about 1 kB) in 512-byte records: its fragments are put together in the
# input buffer, which grows past one record for them.
_, intact = heap_and_round_trip("CHAIN", 512)
print("TLS 1.3 chain in 512-byte records, 15 kB line back intact:", intact)

ctx = client_context()
for bad in (100, 8192, -1, "4096"):
    print("set", repr(bad), attempt(setattr, ctx, "max_fragment_length", bad))
print("still", ctx.max_fragment_length)
server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
print("server", server.max_fragment_length, attempt(setattr, server, "max_fragment_length", 512))
