# Helper of the tests in tests/records (their CPython side): a TLS connection over a plain
# socket through MemoryBIOs, so that every record the peer sends is measured before OpenSSL
# reads it.
import ssl


class Observed:
    # CPython's side of one TLS connection over a plain socket, through MemoryBIOs, so that
    # each record the peer sends is measured (lengths: (content type, length) of each) before
    # OpenSSL reads it.
    def __init__(self, sock, ctx, server_side):
        self.sock = sock
        self.incoming = ssl.MemoryBIO()
        self.outgoing = ssl.MemoryBIO()
        hostname = None if server_side else "localhost"
        self.obj = ctx.wrap_bio(self.incoming, self.outgoing, server_side=server_side, server_hostname=hostname)
        self.unparsed = b""
        self.lengths = []

    def _receive(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("peer closed")
        self.unparsed += data
        while len(self.unparsed) >= 5:
            length = int.from_bytes(self.unparsed[3:5], "big")
            if len(self.unparsed) < 5 + length:
                break
            self.lengths.append((self.unparsed[0], length))
            self.unparsed = self.unparsed[5 + length :]
        self.incoming.write(data)

    def call(self, fn, *args):
        while True:
            try:
                result = fn(*args)
                self.sock.sendall(self.outgoing.read())
                return result
            except ssl.SSLWantReadError:
                self.sock.sendall(self.outgoing.read())
                self._receive()

    def read_exact(self, n):
        data = b""
        while len(data) < n:
            data += self.call(self.obj.read, n - len(data))
        return data

    def data_records(self):
        # "LENGTHxCOUNT" for the encrypted records of over 2000 bytes received (handshake
        # messages are shorter).
        counts = {}
        for kind, length in self.lengths:
            if kind == 23 and length > 2000:
                counts[length] = counts.get(length, 0) + 1
        return " ".join("%dx%d" % (n, counts[n]) for n in sorted(counts))
