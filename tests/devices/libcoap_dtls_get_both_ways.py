# CoAP over DTLS 1.2 with libcoap (Debian's libcoap3-bin, its OpenSSL build), both ways, with a
# pre-shared key and with certificates (each end verifying the other): our client GETs a
# resource from coap-server, coap-client GETs one from our server. Our side is a tiny CoAP
# (RFC 7252) in this file: a confirmable GET, a piggybacked 2.05 Content answer.
import sys

sys.path.append(".")
import socket
import ssl
from _devices import CERTS, PSK_IDENTITY, cert, dtls_accept, free_port, read_line, spawn, stop, udp_connect, wait_listening

# libcoap 4.3 takes the key as text.
COAP_PSK = b"mpssl-coap-key-1"
PEM = {name: CERTS + "/" + name + ".pem" for name in ("ca.crt", "server_ec.crt", "server_ec.key", "client_ec.crt", "client_ec.key")}
MODES = ("PSK", "certificates")


def coap_option(number, prev, value):
    # One option (number and value shorter than 13, which is all this test sends).
    return bytes([(number - prev) << 4 | len(value)]) + value


def coap_parse(msg):
    # (type, code, message id, token, {option number: [values]}, payload) of a CoAP message.
    tkl = msg[0] & 0x0F
    token = msg[4 : 4 + tkl]
    i = 4 + tkl
    number = 0
    options = {}
    while i < len(msg) and msg[i] != 0xFF:
        delta, length = msg[i] >> 4, msg[i] & 0x0F
        i += 1
        ext = [0, 0]
        for k, nibble in enumerate((delta, length)):
            if nibble == 13:
                ext[k] = msg[i] + 13
                i += 1
            elif nibble == 14:
                ext[k] = (msg[i] << 8 | msg[i + 1]) + 269
                i += 2
            else:
                ext[k] = nibble
        number += ext[0]
        options.setdefault(number, []).append(msg[i : i + ext[1]])
        i += ext[1]
    return (msg[0] >> 4) & 3, msg[1], msg[2] << 8 | msg[3], token, options, msg[i + 1 :]


def coap_get(s, path, mid, token=b"\x5a\xa5"):
    msg = bytes([0x40 | len(token), 0x01, mid >> 8, mid & 0xFF]) + token
    prev = 0
    for segment in path.split("/"):
        if segment:
            msg += coap_option(11, prev, segment.encode())
            prev = 11
    s.send(msg)
    kind, code, got_mid, got_token, _, payload = coap_parse(s.recv(1500))
    ok = kind == 2 and got_mid == mid and got_token == token
    return ok, "%d.%02d" % (code >> 5, code & 31), payload


def coap_serve_one(s):
    # Answers one GET with 2.05 Content (text/plain) naming the path it asked for.
    kind, code, mid, token, options, _ = coap_parse(s.recv(1500))
    path = "/".join(v.decode() for v in options.get(11, []))
    print("our server: type", kind, "code", code, "path", path)
    reply = bytes([0x60 | len(token), 0x45, mid >> 8, mid & 0xFF]) + token
    reply += bytes([0xC1, 0x00]) + b"\xff" + b"hello from mpssl: " + path.encode()
    s.send(reply)


def instance0():
    ports = [free_port(30 * i, socket.SOCK_DGRAM) for i in range(4)]
    multitest.globals(PORTS=ports)
    multitest.next()
    for i, mode in enumerate(MODES):
        if mode == "PSK":
            args = ("-k", COAP_PSK.decode())
        else:
            args = ("-c", PEM["server_ec.crt"], "-j", PEM["server_ec.key"], "-C", PEM["ca.crt"])
        # DTLS listens on the port after the plain CoAP one.
        server = spawn("coap-server-openssl", "-A", "127.0.0.1", "-p", str(ports[i] - 1), *args)
        wait_listening(ports[i], "udp")
        multitest.broadcast("coap-server %d" % i)
        multitest.wait("our client done %d" % i)
        stop(server)
    for i, mode in enumerate(MODES):
        if mode == "PSK":
            args = ("-u", PSK_IDENTITY, "-k", COAP_PSK.decode())
        else:
            args = ("-c", PEM["client_ec.crt"], "-j", PEM["client_ec.key"], "-C", PEM["ca.crt"])
        multitest.wait("our server %d" % i)
        client = spawn("coap-client-openssl", "-m", "get", "-B", "5", *args, "coaps://127.0.0.1:%d/sensors/temp" % ports[2 + i])
        print(mode, "coap-client got:", read_line(client))
        client.wait()
        print(mode, "coap-client exit status", client.returncode)
        multitest.wait("our server done %d" % i)


def instance1():
    multitest.next()
    for i, mode in enumerate(MODES):
        ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_CLIENT)
        if mode == "PSK":
            ctx.verify_mode = ssl.CERT_NONE
            ctx.psk_identity = PSK_IDENTITY
            ctx.psk_key = COAP_PSK
            # RFC 7252's mandatory suite for pre-shared keys.
            ctx.set_ciphers(["TLS_PSK_WITH_AES_128_CCM_8"])
        else:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(cadata=cert("ca.crt.der"))
            ctx.load_cert_chain(cert("client_ec.crt.der"), cert("client_ec.key.der"))
        multitest.wait("coap-server %d" % i)
        c = ctx.wrap_socket(udp_connect(PORTS[i]), server_hostname="localhost")
        print(mode, "our client:", c.cipher()[:2])
        ok, code, payload = coap_get(c, "/", 0x1000 + i)
        print(mode, "our client got: matches", ok, code, payload.split(b"\n")[0])
        c.close()
        multitest.broadcast("our client done %d" % i)
    for i, mode in enumerate(MODES):
        ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
        if mode == "PSK":
            ctx.server_psk_keys = {PSK_IDENTITY.encode(): COAP_PSK}
        else:
            ctx.load_cert_chain(cert("server_ec.crt.der"), cert("server_ec.key.der"))
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(cadata=cert("ca.crt.der"))
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(socket.getaddrinfo("127.0.0.1", PORTS[2 + i])[0][-1])
        multitest.broadcast("our server %d" % i)
        s = dtls_accept(ctx, sock)
        print(mode, "our server:", s.cipher()[:2])
        coap_serve_one(s)
        s.close()
        sock.close()
        multitest.broadcast("our server done %d" % i)
