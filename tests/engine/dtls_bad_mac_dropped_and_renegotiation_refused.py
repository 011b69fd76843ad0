# CVE-2026-50713 (fixed in Mbed TLS 3.6.7: DTLS renegotiation with a badmac_limit set could
# overflow a buffer) is out of our configuration's reach: MBEDTLS_SSL_RENEGOTIATION is not
# compiled in, and we never set mbedtls_ssl_conf_dtls_badmac_limit (the count of bad records
# that the bug mixed up with a handshake message's length stays unused). This test shows what
# our DTLS client does instead, against `openssl s_server -dtls1_2` behind a UDP proxy in
# CPython (instance1): a record that fails authentication is dropped silently (RFC 6347
# 4.1.2.7), no alert is sent and the next record is delivered; the server's HelloRequest is
# answered with a no_renegotiation warning (our only datagram after the corrupted one;
# openssl reports "no renegotiation" and ends the connection with a fatal alert, which our
# client raises as an OSError with a message).
import sys

sys.path.append(".")  # run-multitests.py runs tests from this directory
sys.path.append("../ssl")
sys.path.append("../dtls")
sys.path.append("../hostile")
from _dtls import client_context, free_udp_port, udp_connect
from _hostile import explain


def instance0():
    proxy_port = free_udp_port(600)
    multitest.globals(SPORT=free_udp_port(500), PPORT=proxy_port)
    multitest.next()
    multitest.wait("proxy ready")
    c = client_context().wrap_socket(udp_connect(proxy_port), server_hostname="localhost")
    c.send(b"ready\n")
    print("client got", c.recv(100))
    multitest.broadcast("got")
    try:
        print("client got", c.recv(100))
    except OSError as e:
        print("client:", explain(e))
    c.close()
    multitest.broadcast("done")


def instance1():
    import select
    import socket
    import subprocess
    import threading
    from _dtls import CERTS, records

    class Proxy:
        # Relays datagrams between our client and the server on sport; flips one bit in the
        # next application data record from the server once corrupt is set, and keeps the
        # content types of what the client sends afterwards.
        def __init__(self, port, sport):
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sock.bind(("127.0.0.1", port))
            self.upstream = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.upstream.connect(("127.0.0.1", sport))
            self.corrupt = threading.Event()
            self.corrupted = threading.Event()
            self.client_after = []
            self.stop = False
            threading.Thread(target=self.run, daemon=True).start()

        def run(self):
            client = None
            while not self.stop:
                ready, _, _ = select.select([self.sock, self.upstream], [], [], 0.1)
                if self.sock in ready:
                    data, client = self.sock.recvfrom(65536)
                    if self.corrupted.is_set():
                        self.client_after += [r[0] for r in records(data)]
                    self.upstream.send(data)
                if self.upstream in ready:
                    data = bytearray(self.upstream.recv(65536))
                    if self.corrupt.is_set() and not self.corrupted.is_set() and data[0] == 23:
                        data[len(data) // 2] ^= 0x01
                        self.corrupted.set()
                    self.sock.sendto(data, client)

    server = subprocess.Popen(
        ["openssl", "s_server", "-dtls1_2", "-listen", "-accept", str(SPORT),
         "-cert", CERTS + "/server_ec.crt.pem", "-key", CERTS + "/server_ec.key.pem"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []

    def wait_line(text):
        for line in server.stdout:
            lines.append(line)
            if text in line:
                return True
        return False

    def say(line):
        server.stdin.write(line + "\n")
        server.stdin.flush()

    proxy = Proxy(PPORT, SPORT)
    wait_line("ACCEPT")
    multitest.next()
    multitest.broadcast("proxy ready")
    print("openssl got ready:", wait_line("ready"))
    proxy.corrupt.set()
    say("corrupted")
    print("one record corrupted:", proxy.corrupted.wait(10))
    say("intact")
    multitest.wait("got")
    say("r")  # s_server: request renegotiation (HelloRequest)
    print("openssl reports no renegotiation:", wait_line("no renegotiation"))
    multitest.wait("done")
    server.kill()
    server.wait()
    proxy.stop = True
    print("client sent after the corrupted record:", proxy.client_after)
