# Helpers for tests/devices: our end (MicroPython) against the programs devices meet (openssl's
# PSK modes, libcoap's CoAP client and server, the mosquitto MQTT broker), which the CPython
# instance runs on loopback. Runs on MicroPython and CPython; certificates come from
# tools/make-certs.sh through MPSSL_CERTS, ports from MPSSL_PORT_BASE (tools/run-tests.py).
import os
import socket

CERTS = os.getenv("MPSSL_CERTS")
ROOT = "../.."  # run-multitests.py runs each test from its own directory
# The pre-shared key every test here uses, and its identity.
PSK_IDENTITY = "device-1"
PSK = bytes(range(1, 17))


def cert(name):
    with open(CERTS + "/" + name, "rb") as f:
        return f.read()


def free_port(offset, kind=socket.SOCK_STREAM):
    # A port on loopback free for a server that binds it itself.
    base = int(os.getenv("MPSSL_PORT_BASE")) + offset
    for port in range(base, base + 100):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(socket.getaddrinfo("127.0.0.1", port)[0][-1])
            return port
        except OSError:
            pass
        finally:
            s.close()
    raise OSError("no free port")


def spawn(*args, **kwargs):
    # A program with stdin/stdout pipes (CPython only), after installing the Debian packages
    # the tests here use when they are missing.
    import subprocess

    subprocess.run([ROOT + "/tools/ensure-packages.sh", "openssl", "libcoap3-bin", "mosquitto"], check=True)
    kwargs.setdefault("stderr", subprocess.DEVNULL)
    return subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, **kwargs)


def read_line(proc):
    # The next line of data an openssl or libcoap program prints, skipping its status lines.
    while True:
        line = proc.stdout.readline()
        if not line:
            return ""
        if line.strip() and not line.startswith(("depth=", "verify", "CONNECTION", "DONE", "ACCEPT")):
            return line.strip()


def stop(proc):
    proc.kill()
    proc.wait()


def wait_listening(port, kind="tcp"):
    # Until something listens on port (CPython only; ss lists sockets of every process).
    import subprocess
    import time

    for _ in range(100):
        out = subprocess.run(["ss", "-Hln" + ("t" if kind == "tcp" else "u")], capture_output=True, text=True).stdout
        if (":%d " % port) in out:
            return
        time.sleep(0.1)
    raise OSError("nothing listens on %d" % port)


def udp_connect(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(socket.getaddrinfo("127.0.0.1", port)[0][-1])
    return s


def tcp_connect(port):
    s = socket.socket()
    s.connect(socket.getaddrinfo("127.0.0.1", port)[0][-1])
    return s


def dtls_accept(ctx, sock):
    # The DTLS server dance (see the documentation): peek at the client's first datagram,
    # connect back, wrap with its address as client_id; the first attempt asks for a cookie.
    while True:
        _, client_addr = sock.recvfrom(1, socket.MSG_PEEK)
        sock.connect(client_addr)
        try:
            return ctx.wrap_socket(sock, server_side=True, client_id=repr(client_addr).encode())
        except OSError as e:
            if "Hello Verify" not in e.args[-1]:
                raise
