# Helpers of the engine tests. The multitests' plumbing (ports, listeners, the loops of our
# server and our client over a test's cases) runs on both sides; the rest is for the CPython
# side: TLS 1.3 messages built by hand, what a peer's bytes hold record by record, CPython's
# end over memory BIOs (../hostile/_hostile.py has the TLS 1.2 messages and the socket helpers
# these build on; the tests put ../ssl and ../hostile on sys.path).
import socket
import struct

from _common import connect, dial, listen
from _hostile import explain, handshake, read_some, u16


def share_ports(multitest):
    # instance0 (ours): a listening socket for our server, and a free port for instance1's
    # server; both reach instance1 as PORT and CPORT. Returns (our listener, CPORT) once
    # instance1 listens (_hostile.peer_listener).
    lsock, port = listen()
    other, cport = listen()
    other.close()
    multitest.globals(PORT=port, CPORT=cport)
    multitest.next()
    multitest.wait("listening")
    return lsock, cport


def read_after_handshake(s):
    return "read %r" % s.read(1000)


def our_server(lsock, ctx, cases, then=read_after_handshake):
    # One connection accepted on lsock per case: the handshake with ctx, then then(socket);
    # prints what that returned or the exception, and closes lsock at the end.
    for case in cases:
        conn, _ = lsock.accept()
        try:
            print(case + ":", "our server", then(ctx.wrap_socket(conn, server_side=True)))
        except OSError as e:
            print(case + ":", "our server:", explain(e))
        conn.close()
    lsock.close()


def our_client(peer, ctx, cases, then=read_after_handshake, hostname="localhost"):
    # One connection per case to peer (a port, or the name of a harness peer), as our_server()
    # does for the server side.
    for case in cases:
        sock = dial(peer) if isinstance(peer, int) else connect(peer)
        sock.settimeout(10)
        try:
            print(case + ":", "our client", then(ctx.wrap_socket(sock, server_hostname=hostname)))
        except OSError as e:
            print(case + ":", "our client:", explain(e))
        sock.close()

# ServerHello.random of a HelloRetryRequest (RFC 8446 4.1.3).
HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")
GROUPS = {0x17: "secp256r1", 0x18: "secp384r1", 0x19: "secp521r1", 0x1D: "x25519", 0x100: "ffdhe2048"}
HANDSHAKES = {1: "ClientHello", 2: "ServerHello", 11: "Certificate", 20: "Finished"}


def parse_client_hello(rec):
    # (legacy_session_id, {extension type: data}) of the ClientHello record rec.
    body = rec[5 + 4 :]
    pos = 2 + 32
    session_id = body[pos + 1 : pos + 1 + body[pos]]
    pos += 1 + body[pos]
    pos += 2 + struct.unpack(">H", body[pos : pos + 2])[0]  # cipher suites
    pos += 1 + body[pos]  # compression methods
    end = pos + 2 + struct.unpack(">H", body[pos : pos + 2])[0]
    pos += 2
    extensions = {}
    while pos < end:
        kind, length = struct.unpack(">HH", body[pos : pos + 4])
        extensions[kind] = body[pos + 4 : pos + 4 + length]
        pos += 4 + length
    return session_id, extensions


def group_names(extensions):
    # (groups offered in supported_groups, groups with a key share), by name.
    data = extensions[10][2:]
    offered = [struct.unpack(">H", data[i : i + 2])[0] for i in range(0, len(data), 2)]
    shares, data = [], extensions[51][2:]
    while data:
        group, length = struct.unpack(">HH", data[:4])
        shares.append(group)
        data = data[4 + length :]
    name = lambda g: GROUPS.get(g, hex(g))
    return [name(g) for g in offered], [name(g) for g in shares]


def hello_retry_request(session_id, group, suite=0x1301):
    # A HelloRetryRequest choosing TLS 1.3, suite and group (supported_versions, key_share).
    extensions = u16(43) + u16(2) + u16(0x0304) + u16(51) + u16(2) + u16(group)
    body = u16(0x0303) + HRR_RANDOM + bytes([len(session_id)]) + session_id
    body += u16(suite) + b"\x00" + u16(len(extensions)) + extensions
    return handshake(2, body)


def describe_record(rec):
    # "alert N" (a plaintext alert), "ChangeCipherSpec", a handshake message's name, or
    # "record TYPE".
    if rec[0] == 21 and len(rec) == 7:
        return "alert %d" % rec[6]
    if rec[0] == 20:
        return "ChangeCipherSpec"
    if rec[0] == 22 and len(rec) > 5:
        return HANDSHAKES.get(rec[5], "handshake %d" % rec[5])
    return "record %d" % rec[0]


def flight(sock, timeout=5):
    # The records sock's peer sends until it sends a ClientHello or an alert, closes, or is
    # silent for timeout: (list of describe_record() strings, the last record).
    seen, pending = [], b""
    sock.settimeout(timeout)
    while True:
        while len(pending) >= 5 and len(pending) >= 5 + struct.unpack(">H", pending[3:5])[0]:
            n = 5 + struct.unpack(">H", pending[3:5])[0]
            rec, pending = pending[:n], pending[n:]
            seen.append(describe_record(rec))
            if seen[-1] == "ClientHello" or seen[-1].startswith("alert"):
                return seen, rec
        try:
            data = sock.recv(65536)
        except (socket.timeout, ConnectionResetError):
            return seen + ["silence or reset"], b""
        if not data:
            return seen + ["closed"], b""
        pending += data


def bio_handshake(ctx, sock, server_side):
    # CPython's end of a TLS connection over sock through memory BIOs, so that the records it
    # sends pass through our hands: (SSLObject, incoming BIO, outgoing BIO) once the handshake
    # is done.
    import ssl

    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    hostname = None if server_side else "localhost"
    obj = ctx.wrap_bio(incoming, outgoing, server_side=server_side, server_hostname=hostname)
    while True:
        try:
            obj.do_handshake()
            break
        except ssl.SSLWantReadError:
            sock.sendall(outgoing.read())
            data = sock.recv(65536)
            if not data:
                raise OSError("peer closed during the handshake")
            incoming.write(data)
    sock.sendall(outgoing.read())
    return obj, incoming, outgoing


def record_types(data):
    # The content types of the records in data, in order.
    types = []
    while len(data) >= 5:
        types.append(data[0])
        data = data[5 + struct.unpack(">H", data[3:5])[0] :]
    return types


def tls13_client_hello(key_share_extra=0):
    # A TLS 1.3 ClientHello offering TLS_AES_128_GCM_SHA256, secp256r1 (with a share, a point
    # that need not be valid) and ecdsa_secp256r1_sha256; with key_share_extra, the key_share
    # extension's list of shares claims that many bytes more than it holds.
    import os

    share = u16(0x17) + u16(65) + b"\x04" + os.urandom(64)
    extensions = u16(43) + u16(3) + b"\x02" + u16(0x0304)
    extensions += u16(10) + u16(4) + u16(2) + u16(0x17)
    extensions += u16(13) + u16(4) + u16(2) + u16(0x0403)
    extensions += u16(51) + u16(2 + len(share)) + u16(len(share) + key_share_extra) + share
    body = u16(0x0303) + os.urandom(32) + b"\x20" + os.urandom(32) + u16(2) + u16(0x1301)
    body += b"\x01\x00" + u16(len(extensions)) + extensions
    return handshake(1, body)


def tls13_server_hello(session_id, key_exchange_claimed=65, key_exchange=b""):
    # A TLS 1.3 ServerHello (TLS_AES_128_GCM_SHA256, a secp256r1 share) whose key_share claims
    # key_exchange_claimed bytes and holds key_exchange.
    import os

    share = u16(0x17) + u16(key_exchange_claimed) + key_exchange
    extensions = u16(43) + u16(2) + u16(0x0304) + u16(51) + u16(len(share)) + share
    body = u16(0x0303) + os.urandom(32) + bytes([len(session_id)]) + session_id
    body += u16(0x1301) + b"\x00" + u16(len(extensions)) + extensions
    return handshake(2, body)


def alert_answer(sock, obj, incoming):
    # What our end sent back on sock until it closed: the records' content types on the wire,
    # and what CPython's end (obj, fed through incoming) makes of them (an SSLError's reason).
    import ssl

    reply = read_some(sock)
    incoming.write(reply)
    incoming.write_eof()
    try:
        result = "read %r" % obj.read(1000)
    except ssl.SSLError as e:
        result = e.reason
    return "sent records %s, CPython reads: %s" % (record_types(reply), result)


TLS_VERSIONS = {"TLS 1.2": 0x0303, "TLS 1.3": 0x0304}


def cpython_context(server_side, version):
    # A CPython context for our peer: the test certificates, version ("TLS 1.2" or "TLS 1.3")
    # only.
    import ssl
    from _common import path

    if server_side:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(path("server_ec.crt.pem"), path("server_ec.key.pem"))
    else:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(path("ca.crt.pem"))
    ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion(TLS_VERSIONS[version])
    return ctx


def answer_client_hellos(multitest, port, cases, answer):
    # instance1 as a TLS server on port for our client's connections, one per case: reads the
    # ClientHello, prints the groups it offers and shares, sends record answer(case,
    # legacy_session_id, extensions) and prints what the client sends back (flight()); for a
    # second ClientHello, the groups it shares.
    from _hostile import peer_listener, recv_record

    lsock = peer_listener(multitest, port)
    for case in cases:
        conn, _ = lsock.accept()
        session_id, extensions = parse_client_hello(recv_record(conn))
        offered, shares = group_names(extensions)
        print(case + ":", "offered", offered, "shares", shares)
        conn.sendall(answer(case, session_id, extensions))
        seen, last = flight(conn)
        print(case + ":", "client answered", seen)
        if seen[-1] == "ClientHello":
            print(case + ":", "second ClientHello shares", group_names(parse_client_hello(last)[1])[1])
        conn.close()
    lsock.close()
