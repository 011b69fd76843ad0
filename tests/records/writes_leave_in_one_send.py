# The sends one write() makes, against CPython's OpenSSL (issue 16): the records of a write
# leave in one send of the wrapped stream (a stream written in Python over the TCP socket counts
# them), each full-size but the write's last, and that last one, if short, never alone in a
# send: the small segment Nagle's algorithm would hold back until the peer acknowledged the
# others. A
# write larger than one send's budget (a full-size record's buffer) leaves in several, each of
# whole records. Structure, not time: nothing here depends on how fast the machine is.
# Sizes from 1 byte to 64 KiB, multiples of 4096 and their neighbours, TLS 1.2 and 1.3, our
# client with max_fragment_length 512, 4096 and none, our server with none; the peer checks
# every byte.
import sys

sys.path.append(".")  # run-multitests.py runs tests from this directory
sys.path.append("../ssl")
from _common import client_context, dial, listen, server_context

SIZES = (1, 100, 511, 512, 513, 1000, 4095, 4096, 4097, 8191, 8192, 8193, 12288, 16383, 16384, 16385, 32768, 65536)
SUITES = {"1.2": "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "1.3": "TLS_AES_128_GCM_SHA256"}
# What AES-128-GCM adds to a record's content: TLS 1.2's explicit nonce and tag, TLS 1.3's
# content type and tag (and padding, see check()).
EXPANSION = {"1.2": 24, "1.3": 17}
CLIENT_CASES = [("1.2", None), ("1.3", None), ("1.2", 4096), ("1.3", 4096), ("1.2", 512), ("1.3", 512)]
SERVER_CASES = ["1.2", "1.3"]
# Writes up to this size fit one send whatever the record size.
ONE_SEND = 16384


def payload(size):
    return bytes((i * 7) & 0xFF for i in range(size))


def total():
    return sum(SIZES)


def instance0():
    import io

    class Recorder(io.IOBase):
        # The TCP socket as a stream written in Python: every write() is logged.
        def __init__(self, sock):
            self.sock = sock
            self.sends = []

        def readinto(self, buf):
            data = self.sock.recv(len(buf))
            buf[: len(data)] = data
            return len(data)

        def write(self, buf):
            n = self.sock.write(buf)
            self.sends.append(bytes(buf[:n]))
            return n

        def ioctl(self, request, arg):
            if request == 4:  # MP_STREAM_CLOSE
                self.sock.close()
                return 0
            return arg if request == 3 else -22  # MP_STREAM_POLL: a blocking socket is ready

    def records(send):
        # The (content type, length) of each record of one send; None if it holds a partial one.
        out = []
        while send:
            if len(send) < 5 or len(send) < 5 + int.from_bytes(send[3:5], "big"):
                return None
            n = int.from_bytes(send[3:5], "big")
            out.append((send[0], n))
            send = send[5 + n :]
        return out

    def check(version, full, size, sends):
        # What is wrong with the sends of one write of size bytes; "" when nothing is.
        lengths = []
        for send in sends:
            recs = records(send)
            if recs is None:
                return "a record split across sends"
            lengths.append([n - EXPANSION[version] for kind, n in recs if kind == 23])
        flat = [n for send in lengths for n in send]
        # TLS 1.3 pads a short record's content (Mbed TLS to a multiple of 16 bytes): the
        # last record carries at least the rest, the others exactly a full record.
        if len(flat) != (size + full - 1) // full or flat[-1] < size - (len(flat) - 1) * full:
            return "records carry %s for %d bytes" % (flat, size)
        if any(n != full for n in flat[:-1]):
            return "records not full-size: %s" % flat
        if size <= ONE_SEND and len(sends) != 1:
            return "%d sends %s" % (len(sends), lengths)
        if len(flat) > 1 and len(lengths[-1]) == 1 and flat[-1] < full:
            return "short last record alone in a send: %s" % lengths
        return ""

    def sweep(s, stream, version, full):
        s.write(b"!")  # the handshake's last flight leaves with this one
        wrong = []
        for size in SIZES:
            stream.sends = []
            s.write(payload(size))
            fault = check(version, full, size, stream.sends)
            if fault:
                wrong.append("%d: %s" % (size, fault))
        reply = s.recv(64)
        s.close()
        return wrong or "none", reply

    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    for version, mfl in CLIENT_CASES:
        conn, _ = lsock.accept()
        ctx = client_context()
        ctx.set_ciphers([SUITES[version]])
        ctx.max_fragment_length = mfl
        stream = Recorder(conn)
        s = ctx.wrap_socket(stream, server_hostname="localhost")
        full = (mfl or 16384) - (1 if version == "1.3" and mfl else 0)
        wrong, reply = sweep(s, stream, version, full)
        print("client TLS", version, "max_fragment_length", mfl, "wrong:", wrong, "peer:", reply)
    ctx = server_context()
    for version in SERVER_CASES:
        conn, _ = lsock.accept()
        stream = Recorder(conn)
        s = ctx.wrap_socket(stream, server_side=True)
        wrong, reply = sweep(s, stream, version, 16384)
        print("server TLS", version, "wrong:", wrong, "peer:", reply)
    lsock.close()


def instance1():
    import ssl

    def drain(s):
        expected = b"!" + b"".join(payload(n) for n in SIZES)
        got = b""
        while len(got) < len(expected):
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        s.sendall(b"intact" if got == expected else b"got %d bytes" % len(got))
        s.recv(16)  # close_notify or EOF
        s.close()

    multitest.next()
    for version, mfl in CLIENT_CASES:
        ctx = server_context()
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2 if version == "1.2" else ssl.TLSVersion.TLSv1_3
        drain(ctx.wrap_socket(dial(PORT), server_side=True))
    for version in SERVER_CASES:
        ctx = client_context()
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2 if version == "1.2" else ssl.TLSVersion.TLSv1_3
        drain(ctx.wrap_socket(dial(PORT), server_hostname="localhost"))
