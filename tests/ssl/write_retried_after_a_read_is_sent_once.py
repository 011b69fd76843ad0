# A write() that would block leaves its record sealed in Mbed TLS's output buffer, and the
# caller retries it with the same bytes. If a read in between sends that record (a TLS 1.3
# client reading the server's NewSessionTicket re-enters the handshake, which flushes what is
# pending), the retry must count it as written, not seal the bytes again: openssl s_server
# -rev, which sends two tickets after the handshake, echoes each line it gets once. Before the
# fix the TLS 1.3 run read b'owt\n' twice (the record held as a handshake flight, then sealed
# again by the retry). TLS 1.2 sends no ticket then: the read returns the first echo.
import io
from _common import client_context, connect


class Gate(io.IOBase):
    # A socket whose writes can be made to block (write() returns None while shut).
    def __init__(self, sock):
        self.sock = sock
        self.shut = False

    def readinto(self, buf):
        return self.sock.readinto(buf)

    def write(self, buf):
        return None if self.shut else self.sock.write(buf)

    def ioctl(self, req, arg):
        if req == 3:  # MP_STREAM_POLL
            return (arg & 0x0001) | (0 if self.shut else arg & 0x0004)
        return 0


for peer in ("TLS13_EC", "TLS12_EC"):
    sock = connect(peer)
    gate = Gate(sock)
    s = client_context().wrap_socket(gate, server_hostname="localhost")
    s.write(b"one\n")
    gate.shut = True
    pending = s.write(b"two\n")
    during = s.readline()
    gate.shut = False
    retried = s.write(b"two\n")
    s.write(b"three\n")
    lines = [] if during is None else [during]
    while len(lines) < 3:
        lines.append(s.readline())
    print(peer, s.cipher()[1], "blocked write:", pending, "read meanwhile:", during, "retry:", retried)
    print("  echoed:", lines)
    s.close()
    sock.close()
