# Large writes on a non-blocking connection whose peer is not reading yet: each write puts up
# to a 16 KiB record into the output buffer (grown for it, patches/mbedtls/0017) and returns
# None while the socket cannot take it all; written again with the same data, it finishes that
# record and reports its length. Both socket buffers are small and CPython (instance1) starts
# reading only after ours has been told "would block" (so it happens at least once; usually
# many times, unless ours runs far slower than CPython reads, as under valgrind). The
# 256 KiB arrive intact, in 16 KiB records (TLS 1.2 and 1.3, our client asking for no
# max_fragment_length).
import sys

sys.path.append(".")  # run-multitests.py runs tests from this directory
sys.path.append("../ssl")
from _common import addr, client_context, listen, server_context
from _observed import Observed

BLOCK = bytes(range(251)) * 1045  # 262 295 bytes, a prime period: misplaced bytes show
SUITES = {"1.2": "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "1.3": "TLS_AES_128_GCM_SHA256"}
SMALL_BUFFER = 4096
SO_SNDBUF = 7  # Linux's value; MicroPython's socket module does not name it


def instance0():
    import select
    import socket

    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    for version in ("1.2", "1.3"):
        conn, _ = lsock.accept()
        conn.setsockopt(socket.SOL_SOCKET, SO_SNDBUF, SMALL_BUFFER)
        ctx = client_context()
        ctx.set_ciphers([SUITES[version]])
        ctx.max_fragment_length = None
        s = ctx.wrap_socket(conn, server_hostname="localhost")
        s.setblocking(False)
        poller = select.poll()
        poller.register(s, select.POLLOUT)
        sent = would_block = 0
        while sent < len(BLOCK):
            n = s.write(BLOCK[sent:])
            if n is None:
                would_block += 1
                if would_block == 1:
                    multitest.broadcast("read %s" % version)
                poller.poll(5000)
                continue
            sent += n
        s.setblocking(True)
        print("TLS", version, "writes would block:", would_block > 0, "bytes reported:", sent)
        print("  peer's verdict:", s.read(6))
        s.close()
    lsock.close()


def instance1():
    import socket
    import ssl

    multitest.next()
    for version in ("1.2", "1.3"):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)
        sock.connect(addr(PORT))
        ctx = server_context()
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2 if version == "1.2" else ssl.TLSVersion.TLSv1_3
        peer = Observed(sock, ctx, server_side=True)
        peer.call(peer.obj.do_handshake)
        multitest.wait("read %s" % version)
        got = peer.read_exact(len(BLOCK))
        print("TLS", version, "intact:", got == BLOCK)
        print("  records:", peer.data_records())
        peer.call(peer.obj.write, b"intact" if got == BLOCK else b"broken")
        peer.sock.close()
