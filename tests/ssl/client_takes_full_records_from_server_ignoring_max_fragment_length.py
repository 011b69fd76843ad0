# Our client asks for max_fragment_length 4096 by default, and a server may ignore the request
# (RFC 6066: it then does not echo the extension, and records of the full 2^14 bytes remain
# allowed). The peers IGNORES_MFL12 and IGNORES_MFL13 are Go's crypto/tls, which never reads
# the extension (tests/ssl/_ignores_mfl_server): they answer a 40 kB line in records of 16 kB
# of content, and our client must take them, in TLS 1.2 and 1.3. Without
# patches/mbedtls/0004 the client takes its own request as agreed and shrinks its input buffer
# to 4 kB after the handshake; a build with MPSSL_IN_BUFFER_INITIAL=0 then refuses the first
# such record (the default build grows the buffer again for it: patches/README.md, 0004). The
# server reports the largest record it sent, counted on the wire: above 2^14 bytes there (16408
# with TLS 1.2 AES-GCM, 16401 with TLS 1.3: 2^14 bytes of content and the AEAD's overhead), so
# the test cannot pass on smaller records.
from _common import client_context, connect, describe, recv_exact

LINE = bytes(range(48, 123)) * 540  # 40 500 bytes; the peer answers it reversed


ctx = client_context()
print("client asks for", ctx.max_fragment_length)
for peer in ("IGNORES_MFL12", "IGNORES_MFL13"):
    sock = connect(peer)
    try:
        s = ctx.wrap_socket(sock, server_hostname="localhost")
        version = s.cipher()[1]
        s.write(LINE + b"\n")
        intact = recv_exact(s, len(LINE) + 1) == bytes(reversed(LINE)) + b"\n"
        s.write(b"largest?\n")
        largest = int(s.readline())
        print(peer, version, "40 kB back intact:", intact)
        print(peer, "records above 16 kB on the wire:", largest > 16384)
        s.close()
    except Exception as e:
        sock.close()
        print(peer, describe(e))
