# keylog_filename's lines decrypt a capture: our server (instance0) answers an HTTP request over
# TLS 1.2 and TLS 1.3 from a CPython client, through a CPython relay (instance1) that records
# the bytes both ways. The relay writes them as a pcap file and tshark (Debian's package,
# installed by the harness) reads it: with our key log it shows the HTTP request and response
# inside the TLS records, without it nothing.
import sys

sys.path.append("../ssl")
from _common import listen, recv_exact, server_context

VERSIONS = ("TLSv1_2", "TLSv1_3")
REQUEST = b"GET /mpssl-keylog-secret HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecret"


def keylog_name(port, version):
    return "/tmp/mpssl-tshark-%d-%s.keys" % (port, version)


def instance0():
    import ssl

    lsock, port = listen()
    multitest.globals(PORT=port)
    multitest.next()
    for version in VERSIONS:
        ctx = server_context()
        ctx.maximum_version = getattr(ssl.TLSVersion, version)
        ctx.keylog_filename = keylog_name(port, version)
        conn, _ = lsock.accept()
        s = ctx.wrap_socket(conn, server_side=True)
        request = recv_exact(s, len(REQUEST))
        s.write(RESPONSE)
        print(version, s.version(), request == REQUEST)
        s.close()
        multitest.wait("captured " + version)
    lsock.close()


def cpython_client(port, version):
    import socket
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.maximum_version = getattr(ssl.TLSVersion, version)
    with ctx.wrap_socket(socket.create_connection(("127.0.0.1", port))) as s:
        s.sendall(REQUEST)
        reply = b""
        while True:
            chunk = s.recv(1024)
            if not chunk:
                break
            reply += chunk


def relay(lsock, target):
    # Forwards one connection to target; returns [(from_client, bytes)] in the order seen.
    import select
    import socket

    client, _ = lsock.accept()
    server = socket.create_connection(target)
    seen, open_ends = [], {client: server, server: client}
    while open_ends:
        for end in select.select(list(open_ends), [], [], 10)[0]:
            data = end.recv(16384)
            if data:
                open_ends[end].sendall(data)
                seen.append((end is client, data))
            else:
                open_ends[end].shutdown(socket.SHUT_WR)
                del open_ends[end]
    client.close()
    server.close()
    return seen


def pcap(seen):
    # The connection as IPv4 packets (pcap LINKTYPE_RAW) from 127.0.0.1:40000 to 127.0.0.2:443,
    # the port tshark reads as HTTPS, with a TCP handshake before the recorded segments.
    import struct

    def packet(from_client, flags, seq, ack, payload=b""):
        src, dst = (b"\x7f\0\0\x01", b"\x7f\0\0\x02") if from_client else (b"\x7f\0\0\x02", b"\x7f\0\0\x01")
        ports = (40000, 443) if from_client else (443, 40000)
        tcp = struct.pack("!HHIIBBHHH", ports[0], ports[1], seq, ack, 5 << 4, flags, 65535, 0, 0)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0, src, dst)
        frame = ip + tcp + payload
        return struct.pack("<IIII", 0, 0, len(frame), len(frame)) + frame

    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101)
    seq = {True: 1000, False: 5000}
    out += packet(True, 0x02, seq[True], 0)
    out += packet(False, 0x12, seq[False], seq[True] + 1)
    seq = {True: 1001, False: 5001}
    out += packet(True, 0x10, seq[True], seq[False])
    for from_client, data in seen:
        out += packet(from_client, 0x18, seq[from_client], seq[not from_client], data)
        seq[from_client] += len(data)
    return out


def tshark(capture, keylog):
    # The HTTP fields tshark decodes from the capture with this key log (None: no key log).
    import subprocess

    args = ["tshark", "-r", capture, "-o", "tls.keylog_file:" + (keylog or "")]
    args += ["-Y", "http", "-T", "fields", "-e", "http.request.uri", "-e", "http.response.code"]
    out = subprocess.run(args, capture_output=True, timeout=60).stdout.decode()
    return [line.strip() for line in out.splitlines() if line.strip()]


def instance1():
    import os
    import socket
    import threading

    front = socket.create_server(("127.0.0.1", 0))
    multitest.next()
    for version in VERSIONS:
        client = threading.Thread(target=cpython_client, args=(front.getsockname()[1], version))
        client.start()
        seen = relay(front, ("127.0.0.1", PORT))
        client.join()
        capture = "/tmp/mpssl-tshark-%d-%s.pcap" % (PORT, version)
        with open(capture, "wb") as f:
            f.write(pcap(seen))
        keylog = keylog_name(PORT, version)
        print(version, "without the key log:", tshark(capture, None), "with it:", tshark(capture, keylog))
        os.remove(capture)
        os.remove(keylog)
        multitest.broadcast("captured " + version)
