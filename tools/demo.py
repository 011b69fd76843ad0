#!/usr/bin/env python3
"""The mpssl demo: the ssl module documentation's own examples, run as written.

It makes a throwaway PKI (a CA and a certificate for example.com), then, in a
private network namespace where example.com is 127.0.0.1, starts the
documentation's TLS server example (port 8443) and a small HTTPS server
written with our module (port 443), and runs against them a client that
verifies the server and prints what was negotiated, then the documentation's
client examples unchanged. Nothing leaves the machine.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MICROPYTHON = os.path.join(ROOT, "build", "micropython")
EXAMPLES = os.path.join(ROOT, "examples")
IN_NAMESPACE = "MPSSL_DEMO_NETNS"


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def make_pki(folder):
    """A CA and an example.com server certificate, in the DER the examples load."""
    def openssl(*args):
        run(["openssl", *args], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "ca.pem.key", "-out", "ca.pem", "-subj", "/CN=mpssl demo CA", "-days", "2")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "server.pem.key", "-out", "server.csr", "-subj", "/O=mpssl demo/CN=example.com")
    with open(os.path.join(folder, "san.ext"), "w") as f:
        f.write("subjectAltName=DNS:example.com\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.pem.key",
            "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-outform", "DER", "-out", "server.der")
    openssl("x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.der")
    openssl("pkey", "-in", "server.pem.key", "-outform", "DER", "-out", "server.key")


def listening(port):
    """True once something listens on the TCP port (read from /proc: a probe
    connection would be a failed handshake, which ends the server example)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                    return True
    return False


def wait_for_port(port, process, seconds=10):
    deadline = time.monotonic() + seconds
    while not listening(port):
        if process.poll() is not None:
            sys.exit("demo: server on port %d exited early" % port)
        if time.monotonic() > deadline:
            sys.exit("demo: nothing listening on port %d" % port)
        time.sleep(0.05)


def show(title, script, folder):
    print("\n== %s (examples/%s)" % (title, script))
    out = subprocess.run([MICROPYTHON, script], cwd=folder, capture_output=True, text=True, timeout=60)
    sys.stdout.write(out.stdout + out.stderr)
    if out.returncode != 0:
        sys.exit("demo: %s failed" % script)


def demo_in_namespace():
    # Loopback up; example.com resolves to it through a private /etc/hosts.
    run(["ip", "link", "set", "lo", "up"])
    folder = tempfile.mkdtemp(prefix="mpssl-demo-")
    hosts = os.path.join(folder, "hosts")
    with open(hosts, "w") as f:
        f.write("127.0.0.1 localhost example.com\n::1 localhost\n")
    run(["mount", "--bind", hosts, "/etc/hosts"])

    make_pki(folder)
    for name in os.listdir(EXAMPLES):
        shutil.copy(os.path.join(EXAMPLES, name), folder)
    servers = [subprocess.Popen([MICROPYTHON, s], cwd=folder) for s in ("spec_server.py", "https_server.py")]
    try:
        wait_for_port(8443, servers[0])
        wait_for_port(443, servers[1])
        show("verified client against the documentation's server example", "verified_client.py", folder)
        show("the documentation's client example, against example.com:443", "spec_client.py", folder)
        show("the documentation's insecure ssl.wrap_socket() variant", "spec_insecure_client.py", folder)
    finally:
        for s in servers:
            s.kill()
            s.wait()
        shutil.rmtree(folder, ignore_errors=True)
    print("\ndemo: all examples ran")


def main():
    if not os.access(MICROPYTHON, os.X_OK):
        sys.exit("demo: %s is missing: run 'make' first" % MICROPYTHON)
    if os.environ.get(IN_NAMESPACE):
        demo_in_namespace()
        return
    for tool in ("unshare", "ip", "openssl"):
        if shutil.which(tool) is None:
            sys.exit("demo: '%s' is missing: apt-get install util-linux iproute2 openssl" % tool)
    env = dict(os.environ, **{IN_NAMESPACE: "1"})
    cmd = ["unshare", "--net", "--mount", "--propagation", "private", sys.executable, os.path.abspath(__file__)]
    if os.geteuid() != 0:
        cmd[1:1] = ["--map-root-user"]
    sys.exit(subprocess.run(cmd, env=env).returncode)


if __name__ == "__main__":
    main()
