# A DTLS handshake toward a peer that never answers retransmits on its
# timers (1 s doubling to 8 s) and ends with OSError(ETIMEDOUT) in bounded
# time, not a hang.
import errno
import socket
import ssl
import time

import os

# A bound UDP socket that never answers, on a free port from the harness's range.
for port in range(int(os.getenv("MPSSL_PORT_BASE")) + 150, int(os.getenv("MPSSL_PORT_BASE")) + 200):
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        silent.bind(socket.getaddrinfo("127.0.0.1", port)[0][-1])
        break
    except OSError:
        silent.close()

client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
client.connect(socket.getaddrinfo("127.0.0.1", port)[0][-1])
ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
start = time.ticks_ms()
try:
    ctx.wrap_socket(client)
    print("handshake completed?")
except OSError as e:
    elapsed = time.ticks_diff(time.ticks_ms(), start) / 1000
    print("ETIMEDOUT:", e.errno == errno.ETIMEDOUT, e.args[-1])
    print("bounded: between 10 and 25 s:", 10 <= elapsed <= 25)
silent.close()
