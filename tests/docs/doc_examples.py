#!/usr/bin/env python3
"""Run every Python example of a docs page against local peers, as written.

    python3 tests/docs/doc_examples.py [--binary BIN] PAGE.md ...   run the examples
    python3 tests/docs/doc_examples.py --pki DIR                     make the tutorial's PKI

Each ```python block of a page needs a directive on the line before it, saying how it runs:

    <!-- example: peer=https expect="HTTP/1.0 200" -->

  peer=none          nothing else runs
  peer=https         `openssl s_server -www` on port 443 with the tutorial's example.com
                     certificate (server.pem); cert=NAME serves NAME.pem instead
  peer=tls-client    the example is a TLS server on port 8443: a CPython client verifying
                     example.com against ca.pem connects once and reads until the end
  peer=dtls-server   `openssl s_server -dtls1_2 -listen` (HelloVerify) on UDP port 4433: it
                     answers the first line it gets with "hello from openssl"
  peer=dtls-client   the example is a DTLS server on UDP port 4433: `openssl s_client
                     -dtls1_2` sends "hello" and must get it back
  client-auth        with https: the server requires a client certificate signed by ca.pem;
                     with tls-client: the client presents client.pem
  alpn=LIST          with https: the server's ALPN protocols, comma-separated (`-alpn LIST`)
  psk=HEX psk-identity=ID
                     with https: the server has no certificate and takes this pre-shared
                     key for this identity (`-nocert -psk HEX -psk_identity ID`)
  expect=TEXT        the example's output must contain TEXT
  peer-expect=TEXT   what the client peer received must contain TEXT
  serves             the example serves for ever: it is stopped once its client is done

An example runs in a directory holding the tutorial's PKI (made by running the tutorial's
```sh blocks marked <!-- example: pki --> in order: `make tutorial-pki`) and
examples/ntptime.py (the unix port's stand-in for ntptime), in a private network namespace
where example.com is 127.0.0.1, so hosts, ports and file names are the page's own: nothing
is rewritten. It fails if it exits non-zero, prints a traceback, takes over 60 s, or a check
above fails. A python block without a directive fails too: say how it runs, or, for one that
cannot, write `<!-- example: skip REASON -->` and give the reason in the page's text as well.
"""
import argparse
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TUTORIAL = os.path.join(ROOT, "docs", "tutorial-certificates.md")
IN_NAMESPACE = "MPSSL_DOCS_NETNS"
HOSTS = "127.0.0.1 localhost example.com\n::1 localhost\n"
STATUS_LINES = ("ACCEPT", "-----", "depth=", "verify", "CONNECTION", "DONE")
BLOCK = re.compile(r"(?:^<!-- example:(?P<directive>.*?)-->\n)?^```(?P<lang>\w*)\n(?P<code>.*?)^```$", re.M | re.S)


class Block:
    def __init__(self, page, match, text):
        self.page = os.path.relpath(page, ROOT)
        self.line = text.count("\n", 0, match.start("code"))
        self.lang = match.group("lang")
        self.code = match.group("code")
        self.directive = match.group("directive")
        self.options = {}
        for word in shlex.split(self.directive or ""):
            key, _, value = word.partition("=")
            self.options[key] = value

    def __str__(self):
        return "%s:%d" % (self.page, self.line)


def blocks(page):
    text = open(page).read()
    return [Block(page, m, text) for m in BLOCK.finditer(text)]


def make_pki(folder):
    """Runs the tutorial's PKI commands (```sh blocks marked pki) in folder, in order."""
    os.makedirs(folder, exist_ok=True)
    for block in blocks(TUTORIAL):
        if block.lang == "sh" and "pki" in block.options:
            run = subprocess.run(["bash", "-euo", "pipefail", "-c", block.code], cwd=folder,
                                 capture_output=True, text=True)
            if run.returncode != 0:
                sys.exit("doc_examples: the PKI commands at %s failed:\n%s" % (block, run.stdout + run.stderr))


# ---- peers ---------------------------------------------------------------------------------


def bound(port, udp=False):
    tables = ("/proc/net/udp", "/proc/net/udp6") if udp else ("/proc/net/tcp", "/proc/net/tcp6")
    for table in tables:
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and (udp or fields[3] == "0A"):
                    return True
    return False


def wait_bound(port, proc, udp=False, seconds=20):
    deadline = time.monotonic() + seconds
    while not bound(port, udp):
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


class Peer:
    """A peer the example talks to; check() says what went wrong, or ""."""

    def __init__(self, block, folder):
        self.block, self.folder, self.procs, self.problem, self.received = block, folder, [], "", ""
        self.opts = block.options

    def spawn(self, args):
        p = subprocess.Popen(args, cwd=self.folder, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        self.procs.append(p)
        return p

    def before(self):
        """Started before the example (a server)."""
        peer = self.opts.get("peer")
        cert = self.opts.get("cert", "server")
        keys = ["-cert", cert + ".pem", "-key", cert + ".key.pem"]
        if peer == "https":
            args = ["openssl", "s_server", "-accept", "443", "-www"]
            if "psk" in self.opts:
                args += ["-nocert", "-psk", self.opts["psk"], "-psk_identity", self.opts.get("psk-identity", "")]
            else:
                args += keys
            if "alpn" in self.opts:
                args += ["-alpn", self.opts["alpn"]]
            if "client-auth" in self.opts:
                args += ["-Verify", "1", "-verify_return_error", "-CAfile", "ca.pem"]
            if not wait_bound(443, self.spawn(args)):
                self.problem = "openssl s_server did not start"
        elif peer == "dtls-server":
            p = self.spawn(["openssl", "s_server", "-dtls1_2", "-listen", "-accept", "4433", "-quiet"] + keys)
            if not wait_bound(4433, p, udp=True):
                self.problem = "openssl s_server -dtls1_2 did not start"
            threading.Thread(target=self.first_line, args=(p, True), daemon=True).start()

    def first_line(self, p, answer):
        """The first line of data openssl prints (not its status lines), answered if asked."""
        for line in p.stdout:
            if line.strip() and not line.startswith(STATUS_LINES):
                self.received += line
                if answer:
                    p.stdin.write("hello from openssl\n")
                    p.stdin.flush()
                return

    def after(self, example):
        """Run once the example has started (its client)."""
        peer = self.opts.get("peer")
        if peer == "tls-client":
            if not wait_bound(8443, example):
                self.problem = "the example did not listen on port 8443"
                return
            ctx = ssl.create_default_context(cafile=os.path.join(self.folder, "ca.pem"))
            if "client-auth" in self.opts:
                ctx.load_cert_chain(os.path.join(self.folder, "client.pem"), os.path.join(self.folder, "client.key.pem"))
            try:
                with socket.create_connection(("127.0.0.1", 8443), timeout=30) as raw:
                    with ctx.wrap_socket(raw, server_hostname="example.com") as s:
                        while True:
                            data = s.recv(4096)
                            if not data:
                                break
                            self.received += data.decode(errors="replace")
            except (OSError, ssl.SSLError) as e:
                if not self.received:
                    self.problem = "the CPython client failed: %r" % e
        elif peer == "dtls-client":
            if not wait_bound(4433, example, udp=True):
                self.problem = "the example did not bind UDP port 4433"
                return
            p = self.spawn(["openssl", "s_client", "-dtls1_2", "-connect", "127.0.0.1:4433", "-quiet",
                            "-CAfile", "ca.pem", "-verify_return_error", "-servername", "example.com"])
            p.stdin.write("hello\n")
            p.stdin.flush()
            reader = threading.Thread(target=self.first_line, args=(p, False), daemon=True)
            reader.start()
            reader.join(30)

    def check(self):
        if self.problem:
            return self.problem
        # The DTLS peers send or expect "hello"; a TLS client peer, what peer-expect says.
        want = self.opts.get("peer-expect") or ("hello" if "dtls" in self.opts.get("peer", "") else "")
        if self.opts.get("peer") in ("tls-client", "dtls-server", "dtls-client"):
            if not self.received:
                return "the peer received nothing"
            if want and want not in self.received:
                return "the peer received %r, not %r" % (self.received[:200], want)
        return ""

    def stop(self):
        for p in self.procs:
            p.kill()
            p.wait()


# ---- examples ------------------------------------------------------------------------------


def run_example(block, binary, pki):
    """'' if the example ran as its directive says, else what went wrong."""
    folder = tempfile.mkdtemp(prefix="mpssl-doc-")
    try:
        for name in os.listdir(pki):
            shutil.copy(os.path.join(pki, name), folder)
        shutil.copy(os.path.join(ROOT, "examples", "ntptime.py"), folder)
        with open(os.path.join(folder, "example.py"), "w") as f:
            f.write(block.code)
        peer = Peer(block, folder)
        try:
            peer.before()
            if peer.problem:
                return peer.problem
            example = subprocess.Popen([binary, "example.py"], cwd=folder, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True)
            output = []
            reader = threading.Thread(target=lambda: output.extend(example.stdout), daemon=True)
            reader.start()
            peer.after(example)
            stopped = False
            try:
                example.wait(5 if "serves" in block.options else 60)
            except subprocess.TimeoutExpired:
                example.kill()
                example.wait()
                stopped = True
            reader.join(5)
        finally:
            peer.stop()
        out = "".join(output)
        problem = peer.check()
        if stopped and "serves" not in block.options:
            problem = problem or "timed out after 60 s"
        elif not stopped and example.returncode != 0:
            problem = problem or "exited with status %d" % example.returncode
        elif "Traceback" in out:
            problem = problem or "raised an exception"
        elif "expect" in block.options and block.options["expect"] not in out:
            problem = problem or "its output lacks %r" % block.options["expect"]
        return problem and "%s\n--- its output:\n%s" % (problem, out[-3000:])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_pages(pages, binary):
    pki = tempfile.mkdtemp(prefix="mpssl-doc-pki-")
    failures = count = 0
    try:
        make_pki(pki)
        for page in pages:
            for block in blocks(page):
                if block.lang != "python":
                    continue
                count += 1
                if block.directive is None:
                    problem = "no <!-- example: ... --> directive: say how it runs (tests/docs/doc_examples.py)"
                elif "skip" in block.options:
                    print("skip %s (%s)" % (block, block.directive.strip()), flush=True)
                    continue
                else:
                    problem = run_example(block, binary, pki)
                print("%s %s" % ("FAIL" if problem else "pass", block), flush=True)
                if problem:
                    failures += 1
                    print("    " + problem.replace("\n", "\n    "), flush=True)
    finally:
        shutil.rmtree(pki, ignore_errors=True)
    print("doc_examples: %d examples, %d failed" % (count, failures))
    return 1 if failures or not count else 0


def in_namespace(argv):
    """Re-runs this script in a private network and mount namespace, example.com = 127.0.0.1."""
    env = dict(os.environ, **{IN_NAMESPACE: "1"})
    cmd = ["unshare", "--net", "--mount", "--propagation", "private", sys.executable, os.path.abspath(__file__)] + argv
    if os.geteuid() != 0:
        cmd[1:1] = ["--map-root-user"]
    return subprocess.run(cmd, env=env).returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.environ.get("MICROPY_MICROPYTHON", os.path.join(ROOT, "build", "micropython-test")))
    parser.add_argument("--pki", metavar="DIR", help="make the tutorial's PKI in DIR and exit")
    parser.add_argument("pages", nargs="*")
    args = parser.parse_args()
    if args.pki:
        make_pki(args.pki)
        print("doc_examples: the tutorial's PKI is in %s" % args.pki)
        return 0
    if not os.environ.get(IN_NAMESPACE):
        return in_namespace(sys.argv[1:])
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    hosts = tempfile.NamedTemporaryFile("w", prefix="mpssl-doc-hosts-", delete=False)
    hosts.write(HOSTS)
    hosts.close()
    subprocess.run(["mount", "--bind", hosts.name, "/etc/hosts"], check=True)
    try:
        return run_pages([os.path.abspath(p) for p in args.pages], os.path.abspath(args.binary))
    finally:
        os.unlink(hosts.name)


if __name__ == "__main__":
    sys.exit(main())
