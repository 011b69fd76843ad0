# An MQTT round trip through Debian's mosquitto broker, started on loopback by the CPython
# instance: our client (a few lines of MQTT 3.1.1 below) connects, subscribes to a topic,
# publishes to it and gets its message back from the broker. Once over TLS to a listener that
# requires a client certificate (without one the broker refuses us), once over a pre-shared
# key (mosquitto's psk_hint/psk_file listener; TLS 1.3 and 1.2), no certificate anywhere.
import sys

sys.path.append(".")
import ssl
from _devices import CERTS, PSK, PSK_IDENTITY, cert, free_port, spawn, stop, tcp_connect, wait_listening


def instance0():
    import os
    import tempfile

    ports = [free_port(0), free_port(50)]
    run = tempfile.mkdtemp(prefix="mpssl-mosquitto-")
    with open(run + "/psk", "w") as f:
        f.write("%s:%s\n" % (PSK_IDENTITY, PSK.hex()))
    with open(run + "/mosquitto.conf", "w") as f:
        f.write(
            "\n".join(
                (
                    "per_listener_settings true",
                    "user root",  # reads the test certificates wherever they are
                    "persistence false",
                    "log_dest none",
                    "listener %d 127.0.0.1" % ports[0],
                    "allow_anonymous true",
                    "cafile %s/ca.crt.pem" % CERTS,
                    "certfile %s/server_ec.crt.pem" % CERTS,
                    "keyfile %s/server_ec.key.pem" % CERTS,
                    "require_certificate true",
                    "listener %d 127.0.0.1" % ports[1],
                    "allow_anonymous true",
                    "psk_hint mpssl-test",
                    "psk_file %s/psk" % run,
                    "",
                )
            )
        )
    broker = spawn("/usr/sbin/mosquitto", "-c", run + "/mosquitto.conf")
    for port in ports:
        wait_listening(port)
    print("broker listening: TLS with client certificates, PSK")
    multitest.globals(PORTS=ports)
    multitest.next()
    multitest.wait("done")
    stop(broker)
    for name in os.listdir(run):
        os.remove(run + "/" + name)
    os.rmdir(run)


def mqtt_string(s):
    return len(s).to_bytes(2, "big") + s


def mqtt_packet(kind, body):
    # Fixed header (type and flags, remaining length as a varint) and body.
    out = bytes([kind])
    n = len(body)
    while True:
        out += bytes([(n & 0x7F) | (0x80 if n > 0x7F else 0)])
        n >>= 7
        if not n:
            return out + body


def read_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.read(n - len(buf))
        if not chunk:
            raise OSError("broker closed the connection")
        buf += chunk
    return buf


def mqtt_read(s):
    # (packet type and flags, body) of the next packet.
    kind = read_exact(s, 1)[0]
    n = shift = 0
    while True:
        byte = read_exact(s, 1)[0]
        n |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return kind, read_exact(s, n)


def round_trip(s, client_id, topic, message):
    s.write(mqtt_packet(0x10, mqtt_string(b"MQTT") + b"\x04\x02\x00\x3c" + mqtt_string(client_id)))
    print("CONNACK", mqtt_read(s))
    s.write(mqtt_packet(0x82, b"\x00\x01" + mqtt_string(topic) + b"\x00"))
    print("SUBACK", mqtt_read(s))
    s.write(mqtt_packet(0x30, mqtt_string(topic) + message))
    kind, body = mqtt_read(s)
    n = int.from_bytes(body[:2], "big")
    print("PUBLISH back", hex(kind), body[2 : 2 + n], body[2 + n :])
    s.write(mqtt_packet(0xE0, b""))
    s.close()


def describe(e):
    return "%s %s" % (type(e).__name__, e.args[-1] if e.args else "")


def instance1():
    multitest.next()
    # TLS, the broker requiring our certificate.
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=cert("ca.crt.der"))
    ctx.load_cert_chain(cert("client_ec.crt.der"), cert("client_ec.key.der"))
    s = ctx.wrap_socket(tcp_connect(PORTS[0]), server_hostname="localhost")
    print("TLS with certificate:", s.cipher()[1])
    round_trip(s, b"mpssl-cert", b"mpssl/test/cert", b"hello over TLS")
    # The same without a certificate: refused (TLS 1.3 tells us at our first read).
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=cert("ca.crt.der"))
    try:
        s = ctx.wrap_socket(tcp_connect(PORTS[0]), server_hostname="localhost")
        round_trip(s, b"mpssl-nocert", b"mpssl/test/cert", b"should not arrive")
    except OSError as e:
        print("TLS without certificate:", describe(e))
    # Pre-shared key, in TLS 1.3 and in TLS 1.2.
    for suite in (None, "TLS_PSK_WITH_AES_128_GCM_SHA256"):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.verify_mode = ssl.CERT_NONE
        ctx.psk_identity = PSK_IDENTITY
        ctx.psk_key = PSK
        if suite:
            ctx.set_ciphers([suite])
        s = ctx.wrap_socket(tcp_connect(PORTS[1]))
        print("PSK:", s.cipher()[:2])
        round_trip(s, b"mpssl-psk", b"mpssl/test/psk", b"hello over PSK")
    multitest.broadcast("done")
