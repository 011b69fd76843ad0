# A write() that would block leaves its record sealed in Mbed TLS's output buffer, and the
# caller retries it with the same bytes. If a read in between sends that record (a TLS 1.3
# client reading the server's NewSessionTicket re-enters the handshake, which flushes what is
# pending), the retry must count it as written, not seal the bytes again: openssl s_server
# -rev, which sends two tickets after the handshake, echoes each line it gets once. Before the
# fix the TLS 1.3 run read b'owt\n' twice (the record held as a handshake flight, then sealed
# again by the retry). TLS 1.2 sends no ticket then: the read returns the first echo.
from _common import Gate, client_context, connect



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
