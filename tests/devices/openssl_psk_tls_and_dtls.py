# Pre-shared keys with OpenSSL, no certificate anywhere: our client against `openssl s_server
# -psk` and `openssl s_client -psk` against our server, in TLS 1.2, TLS 1.3 and DTLS 1.2, a line
# each way every time. Our clients use upstream's psk_identity/psk_key and, once, CPython's
# set_psk_client_callback; our servers server_psk_keys (a dict) and, once, CPython's
# set_psk_server_callback. The CPython instance drives the openssl command line.
import sys

sys.path.append(".")
import socket
import ssl
from _devices import PSK, PSK_IDENTITY, dtls_accept, free_port, read_line, spawn, stop, tcp_connect, udp_connect, wait_listening

# (label, openssl options, whether DTLS)
VERSIONS = (("TLS 1.2", ("-tls1_2",), False), ("TLS 1.3", ("-tls1_3",), False), ("DTLS 1.2", ("-dtls1_2",), True))
PSK_ARGS = ("-psk", PSK.hex(), "-psk_identity", PSK_IDENTITY, "-quiet")


def instance0():
    ports = [free_port(20 * i) for i in range(2 * len(VERSIONS))]
    multitest.globals(PORTS=ports)
    multitest.next()
    for i, (label, args, dtls) in enumerate(VERSIONS):
        extra = ("-listen",) if dtls else ()
        server = spawn("openssl", "s_server", "-accept", str(ports[i]), "-nocert", *(PSK_ARGS + args + extra))
        wait_listening(ports[i], "udp" if dtls else "tcp")
        multitest.broadcast("openssl server %d" % i)
        print(label, "openssl server got:", read_line(server))
        server.stdin.write("pong from openssl\n")
        server.stdin.flush()
        multitest.wait("our client done %d" % i)
        stop(server)
    for i, (label, args, dtls) in enumerate(VERSIONS):
        port = ports[len(VERSIONS) + i]
        multitest.wait("our server %d" % i)
        client = spawn("openssl", "s_client", "-connect", "127.0.0.1:%d" % port, *(PSK_ARGS + args))
        client.stdin.write("ping from openssl\n")
        client.stdin.flush()
        print(label, "openssl client got:", read_line(client))
        multitest.wait("our server done %d" % i)
        stop(client)


def client_callback(hint):
    print("client callback, hint", hint)
    return (PSK_IDENTITY, PSK)


def server_callback(identity):
    print("server callback, identity", identity)
    return PSK if identity == PSK_IDENTITY else b""


def instance1():
    multitest.next()
    for i, (label, args, dtls) in enumerate(VERSIONS):
        ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT if dtls else ssl.PROTOCOL_TLS_CLIENT)
        ctx.verify_mode = ssl.CERT_NONE
        if i == 1:
            ctx.set_psk_client_callback(client_callback)
        else:
            ctx.psk_identity = PSK_IDENTITY
            ctx.psk_key = PSK
        multitest.wait("openssl server %d" % i)
        raw = udp_connect(PORTS[i]) if dtls else tcp_connect(PORTS[i])
        c = ctx.wrap_socket(raw)
        print(label, "our client:", c.cipher()[:2])
        c.write(b"ping from mpssl\n")
        print(label, "our client got:", c.recv(100))
        c.close()
        multitest.broadcast("our client done %d" % i)
    for i, (label, args, dtls) in enumerate(VERSIONS):
        port = PORTS[len(VERSIONS) + i]
        ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER if dtls else ssl.PROTOCOL_TLS_SERVER)
        if i == 1:
            ctx.set_psk_server_callback(server_callback)
        else:
            ctx.server_psk_keys = {PSK_IDENTITY.encode(): PSK}
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if dtls else socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(socket.getaddrinfo("127.0.0.1", port)[0][-1])
        if not dtls:
            sock.listen(1)
        multitest.broadcast("our server %d" % i)
        if dtls:
            s = dtls_accept(ctx, sock)
            line = s.recv(100)
        else:
            conn, _ = sock.accept()
            s = ctx.wrap_socket(conn, server_side=True)
            line = s.readline()
        print(label, "our server:", s.cipher()[:2], "got", line)
        s.write(line.upper())
        s.close()
        sock.close()
        multitest.broadcast("our server done %d" % i)
