#!/usr/bin/env python3
"""MicroPython's own ssl/tls tests, and our asyncio TLS tests, against our binary.

usage: python3 tools/upstream_suite.py [--only PATTERN] [--list] [MICROPYTHON]

Runs, from the MicroPython source tree (build/deps/micropython/tests, or MPSSL_UPSTREAM_TESTS):
  extmod/ssl_*.py, extmod/tls_*.py    one instance each, as run-tests.py runs them
  net_hosted/ssl_*.py                 each test's test(addr) against a local TLS server
  multi_net/*{ssl,tls,dtls}*.py       two instances of our micropython over loopback, with
                                      MicroPython's run-multitests.py
and tests/asyncio_tls/*.py of this repository. net_inet tests need the internet: listed, not run.

Expected output: tests/upstream/exp/<version>/<dir>/<name>.py.exp where we deliberately differ
from upstream (<version> is the tree's MicroPython release, e.g. 1.26, since each release brings
its own tests; each difference is explained in docs/upstream-differences.md), else upstream's
.exp, else CPython's output (as run-tests.py does); unittest tests pass when unittest says OK.
No upstream test source lives in this repository: tests run from the source tree, or from
temporary copies made here at run time.

Prints one line per test (PASS, FAIL or SKIP(reason)), the diff of each failure, and ends with
"N passed, N failed"; exits 1 on any failure. tools/run-tests.py can call run(micropython).
"""

import argparse
import difflib
import fnmatch
import glob
import os
import random
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UPSTREAM = os.environ.get("MPSSL_UPSTREAM_TESTS", os.path.join(ROOT, "build", "deps", "micropython", "tests"))
EXPECTATIONS = os.path.join(ROOT, "tests", "upstream", "exp")
LIB = os.path.join(ROOT, "tests", "upstream", "lib")
ASYNCIO_TLS = os.path.join(ROOT, "tests", "asyncio_tls")
CERTS = os.environ.get("MPSSL_CERTS", os.path.join(ROOT, "build", "certs"))
TIMEOUT_S = 60

SINGLE_PATTERNS = ("extmod/ssl_*.py", "extmod/tls_*.py")
NET_HOSTED_PATTERNS = ("net_hosted/ssl_*.py",)
MULTI_PATTERNS = ("multi_net/*ssl*.py", "multi_net/*tls*.py")
NET_INET_PATTERNS = ("net_inet/*ssl*.py", "net_inet/*tls*.py")
# Upstream tests whose expected output holds only if the scheduler is kind: listed, not run.
SCHEDULING_DEPENDENT = {
    "multi_net/asyncio_tls_server_client_verify_error.py": "its output depends on scheduling: since select.poll "
    "sleeps on the socket (patches/micropython/0003) our server may answer while the client's write() still runs, "
    "and the verify error then comes from write() instead of drain(); tests/asyncio_tls/verify_failure_raises.py "
    "checks the error reaches the task either way",
}


def upstream_files(patterns):
    found = {f for p in patterns for f in glob.glob(os.path.join(UPSTREAM, p))}
    return sorted(os.path.relpath(f, UPSTREAM) for f in found)


def micropython_version():
    """"MAJOR.MINOR" of the MicroPython tree whose tests UPSTREAM holds, None if there is none."""
    try:
        with open(os.path.join(UPSTREAM, os.pardir, "py", "mpconfig.h")) as f:
            text = f.read()
    except OSError:
        return None
    parts = [re.search(r"^#define MICROPY_VERSION_%s (\d+)$" % p, text, re.M) for p in ("MAJOR", "MINOR")]
    return ".".join(m.group(1) for m in parts) if all(parts) else None


def overrides_dir():
    return os.path.join(EXPECTATIONS, micropython_version() or "unknown")


def expected_path(test):
    """Our expected output for upstream test `test` (e.g. "extmod/ssl_basic.py"), or upstream's."""
    ours = os.path.join(overrides_dir(), test + ".exp")
    if os.path.exists(ours):
        return ours
    theirs = os.path.join(UPSTREAM, test + ".exp")
    return theirs if os.path.exists(theirs) else None


# ---------------------------------------------------------------------------------------------
# Running one MicroPython process and judging its output.


def run_micropython(micropython, args, cwd, env=None, timeout=TIMEOUT_S):
    """Output of one run, as run-tests.py records it: stdout and stderr, then CRASH/TIMEOUT."""
    run_env = dict(os.environ)
    # Only frozen modules and our unittest stand-in, as run-tests.py clears the path.
    run_env["MICROPYPATH"] = os.pathsep.join((".frozen", LIB))
    run_env.update(env or {})
    try:
        proc = subprocess.run(
            [micropython] + args, cwd=cwd, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout
        )
        out = proc.stdout
        if proc.returncode != 0:
            out += b"CRASH"
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"") + b"TIMEOUT"
    return out.replace(b"\r\n", b"\n").decode(errors="replace")


def cpython_output(test_path):
    proc = subprocess.run(
        [sys.executable, os.path.basename(test_path)],
        cwd=os.path.dirname(test_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=TIMEOUT_S,
    )
    return proc.stdout.replace(b"\r\n", b"\n").decode(errors="replace")


def unittest_verdict(output):
    """True/False when output ends with a unittest summary, None when it is not a unittest run."""
    lines = output.rstrip("\n").split("\n")
    if len(lines) >= 3 and re.match(r"Ran \d+ tests?$", lines[-3]):
        return lines[-1].startswith("OK")
    return None


def judge(name, output, expected, expected_from):
    """(status, detail): status PASS, FAIL or SKIP(reason)."""
    if output == "SKIP\n":
        return "SKIP(the test printed SKIP)", ""
    verdict = unittest_verdict(output)
    if verdict is not None and expected is None:
        return ("PASS" if verdict else "FAIL"), ("" if verdict else output)
    if expected is None:
        return "FAIL", "no expected output for %s" % name
    if output == expected:
        return "PASS", ""
    diff = difflib.unified_diff(
        expected.splitlines(True), output.splitlines(True), "expected (%s)" % expected_from, "got"
    )
    return "FAIL", "".join(diff)


def read_text(path):
    with open(path, errors="replace") as f:
        return f.read()


# ---------------------------------------------------------------------------------------------
# Single-instance upstream tests.


def run_single(micropython, test):
    path = os.path.join(UPSTREAM, test)
    # Run by its name from its folder: a traceback must not name where the tree lives.
    output = run_micropython(micropython, ["-X", "emit=bytecode", os.path.basename(path)], cwd=os.path.dirname(path))
    exp = expected_path(test)
    if exp is not None:
        return judge(test, output, read_text(exp), os.path.relpath(exp, ROOT))
    if unittest_verdict(output) is not None:
        return judge(test, output, None, "")
    return judge(test, output, cpython_output(path), "CPython")


# ---------------------------------------------------------------------------------------------
# net_hosted: each test defines test(peer_addr) and only connects to the internet when run as
# __main__. We import it and call test() with the address of a local TLS server instead, which
# presents a leaf and an intermediate CA, as a public server does.


class LocalTLSServer:
    def __init__(self, certfile, keyfile):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(certfile, keyfile)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn):
        conn.settimeout(10)
        try:
            with self.ctx.wrap_socket(conn, server_side=True) as tls:
                tls.recv(1)  # until the client closes
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()

    def close(self):
        self.stopping = True
        self.sock.close()


def run_net_hosted(micropython, test, server):
    path = os.path.join(UPSTREAM, test)
    module = os.path.splitext(os.path.basename(test))[0]
    code = "import socket, %s\n%s.test(socket.getaddrinfo('127.0.0.1', %d)[0][-1])\n" % (module, module, server.port)
    output = run_micropython(micropython, ["-X", "emit=bytecode", "-c", code], cwd=os.path.dirname(path))
    exp = expected_path(test)
    return judge(test, output, read_text(exp) if exp else None, os.path.relpath(exp, ROOT) if exp else "")


# ---------------------------------------------------------------------------------------------
# multi_net: temporary copies, with our .exp beside a test where we differ, run by
# run-multitests.py with two instances of our micropython.


def make_expired_cert(keyfile, out):
    """A self-signed certificate for `keyfile` (DER) that expired in 2024, subject as upstream's.

    Upstream's multi_net/expired_cert.der does not belong to ec_key.der, the key its test
    loads with it; Mbed TLS accepts the mismatch, we do not (see docs/upstream-differences.md).
    """
    work = tempfile.mkdtemp(prefix="mpssl-expired-")
    try:
        key_pem = os.path.join(work, "key.pem")
        subprocess.run(["openssl", "pkey", "-inform", "DER", "-in", keyfile, "-out", key_pem], check=True)
        with open(os.path.join(work, "ca.cnf"), "w") as f:
            f.write(
                "[ca]\ndefault_ca = c\n[c]\ndatabase = %s/index.txt\nnew_certs_dir = %s\nserial = %s/serial\n"
                "default_md = sha256\npolicy = p\nunique_subject = no\n[p]\ncommonName = supplied\n"
                "organizationName = optional\ncountryName = optional\n[ext]\nbasicConstraints = critical, CA:TRUE\n"
                % (work, work, work)
            )
        open(os.path.join(work, "index.txt"), "w").close()
        csr = os.path.join(work, "req.csr")
        subj = "/CN=micropython.local/O=MicroPython/C=AU"
        subprocess.run(["openssl", "req", "-new", "-key", key_pem, "-subj", subj, "-out", csr], check=True)
        pem = os.path.join(work, "cert.pem")
        subprocess.run(
            ["openssl", "ca", "-batch", "-notext", "-config", os.path.join(work, "ca.cnf"), "-selfsign"]
            + ["-keyfile", key_pem, "-rand_serial", "-extensions", "ext", "-in", csr, "-out", pem]
            + ["-startdate", "240112055537Z", "-enddate", "240113055537Z"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        subprocess.run(["openssl", "x509", "-in", pem, "-outform", "DER", "-out", out], check=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_multi(micropython, tests, report):
    work = tempfile.mkdtemp(prefix="mpssl-multi-")
    try:
        tmp_dir = os.path.join(work, "multi_net")
        os.mkdir(tmp_dir)
        for data in glob.glob(os.path.join(UPSTREAM, "multi_net", "*.der")):
            shutil.copy(data, tmp_dir)
        make_expired_cert(os.path.join(tmp_dir, "ec_key.der"), os.path.join(tmp_dir, "expired_cert.der"))
        names = {}
        for test in tests:
            copy = os.path.join(tmp_dir, os.path.basename(test))
            shutil.copy(os.path.join(UPSTREAM, test), copy)
            exp = expected_path(test)
            if exp:
                shutil.copy(exp, copy + ".exp")
            names[os.path.basename(test)] = test
        env = dict(os.environ, MICROPY_MICROPYTHON=micropython, MICROPY_CPYTHON3=sys.executable)
        args = [sys.executable, os.path.join(UPSTREAM, "run-multitests.py"), "-i", "micropython", "-i", "micropython"]
        args += [os.path.join("multi_net", os.path.basename(t)) for t in tests]
        proc = subprocess.Popen(args, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        current = None
        detail = []
        for raw in proc.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            m = re.match(r"multi_net/(\S+\.py) on \S+: (pass|FAIL|skip)$", line)
            if m or re.match(r"\d+ tests (performed|passed|skipped|failed)", line):
                if current:
                    report(*current, "\n".join(detail))
                current, detail = None, []
            if m:
                status = {"pass": "PASS", "FAIL": "FAIL", "skip": "SKIP(the test printed SKIP)"}[m.group(2)]
                current = (names.get(m.group(1), m.group(1)), status)
            elif current:
                detail.append(line)
        if current:
            report(*current, "\n".join(detail))
        proc.wait()  # failures are reported per test above
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Our asyncio TLS tests (tests/asyncio_tls): a "# heapsize: N" line sets -X heapsize=N.


def free_port_base(span=200):
    # A run of ports below the kernel's ephemeral range with no listener at its start; tests
    # try ports upward from it until one binds (MicroPython sockets cannot say which port 0 got).
    for _ in range(50):
        base = random.randrange(20000, 32000 - span)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", base))
                return base
            except OSError:
                pass
    raise RuntimeError("no free port range found")


def run_asyncio_tls(micropython, path):
    args = []
    m = re.search(r"^# heapsize: *(\S+)", read_text(path), re.M)
    if m:
        args += ["-X", "heapsize=" + m.group(1)]
    env = {"MPSSL_CERTS": CERTS, "MPSSL_PORT_BASE": os.environ.get("MPSSL_PORT_BASE") or str(free_port_base())}
    output = run_micropython(micropython, args + [path], cwd=os.path.dirname(path), env=env)
    name = os.path.relpath(path, ROOT)
    exp = path + ".exp"
    if not os.path.exists(exp):
        return "FAIL", "missing " + os.path.relpath(exp, ROOT)
    return judge(name, output, read_text(exp), os.path.relpath(exp, ROOT))


# ---------------------------------------------------------------------------------------------


def net_inet_reason(test):
    return "net_inet: needs the internet (connects to public TLS servers)"


def select(items, only):
    return [t for t in items if not only or fnmatch.fnmatch(t, "*%s*" % only)]


def asyncio_tls_tests():
    return sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ASYNCIO_TLS, "[!_]*.py")))


def tests(only=None):
    """The names run() reports, in its order (each exactly once): what --list prints."""
    names = [t for g in (SINGLE_PATTERNS, NET_HOSTED_PATTERNS, MULTI_PATTERNS) for t in upstream_files(g)]
    names += asyncio_tls_tests() + upstream_files(NET_INET_PATTERNS)
    return select(names, only)


def run(micropython, only=None, out=None):
    """Run everything; returns (passed, failed, lines). Lines are also printed to `out` if given."""
    micropython = os.path.abspath(micropython)
    lines = []
    counts = {"PASS": 0, "FAIL": 0}

    def report(name, status, detail=""):
        line = "%s %s" % (status if status in ("PASS", "FAIL") else "SKIP", name)
        if status.startswith("SKIP("):
            line += " " + status[4:]
        if status in counts:
            counts[status] += 1
        block = [line] + (["    " + d for d in detail.rstrip("\n").split("\n")] if status == "FAIL" and detail else [])
        lines.extend(block)
        if out:
            print("\n".join(block), file=out, flush=True)

    if not os.path.isdir(UPSTREAM):
        # One word for a name: tools/run-tests.py reads "FAIL <name>" lines.
        report(os.path.relpath(UPSTREAM, ROOT), "FAIL", "MicroPython's tests not found at %s: run make" % UPSTREAM)
        return counts["PASS"], counts["FAIL"], lines
    if not os.path.isdir(overrides_dir()):
        detail = "no expectations for MicroPython %s: add %s (see docs/upstream-differences.md)"
        where = os.path.relpath(overrides_dir(), ROOT)
        report(where, "FAIL", detail % (micropython_version(), where))
        return counts["PASS"], counts["FAIL"], lines
    subprocess.run([os.path.join(ROOT, "tools", "make-certs.sh"), CERTS], check=True, stdout=subprocess.DEVNULL)

    for test in select(upstream_files(SINGLE_PATTERNS), only):
        report(test, *run_single(micropython, test))

    hosted = select(upstream_files(NET_HOSTED_PATTERNS), only)
    if hosted:
        server = LocalTLSServer(os.path.join(CERTS, "server_chain.chain.pem"), os.path.join(CERTS, "server_chain.key.pem"))
        try:
            for test in hosted:
                report(test, *run_net_hosted(micropython, test, server))
        finally:
            server.close()

    multi = select(upstream_files(MULTI_PATTERNS), only)
    for test in [t for t in multi if t in SCHEDULING_DEPENDENT]:
        multi.remove(test)
        report(test, "SKIP(%s)" % SCHEDULING_DEPENDENT[test])
    if multi:
        # Two processes race in these tests: where an error surfaces (in write() or in drain())
        # can depend on scheduling on a loaded machine. A failed one runs once more, and the
        # first failure is shown with the verdict either way.
        first_failures = {}

        def note_failure(name, status, detail=""):
            if status == "FAIL":
                first_failures[name] = detail
            else:
                report(name, status, detail)

        run_multi(micropython, multi, note_failure)
        if first_failures:

            def second_try(name, status, detail=""):
                if status == "PASS":
                    print("note: %s passed on its second run; first run:\n%s" % (name, first_failures[name]), file=out or sys.stdout)
                report(name, status, detail)

            run_multi(micropython, sorted(first_failures), second_try)

    for test in select(asyncio_tls_tests(), only):
        report(test, *run_asyncio_tls(micropython, os.path.join(ROOT, test)))

    for test in select(upstream_files(NET_INET_PATTERNS), only):
        report(test, "SKIP(%s)" % net_inet_reason(test))

    return counts["PASS"], counts["FAIL"], lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("micropython", nargs="?", default=os.environ.get("MPSSL_MICROPYTHON", os.path.join(ROOT, "build", "micropython-test")))
    parser.add_argument("--only", metavar="PATTERN", help="run only tests whose name contains PATTERN (glob)")
    parser.add_argument("--list", action="store_true", help="list the tests and exit")
    args = parser.parse_args()
    if args.list:
        print("\n".join(tests(args.only)))
        return 0
    if not os.access(args.micropython, os.X_OK):
        print("upstream_suite: %s not found: run make first" % args.micropython)
        print("0 passed, 1 failed")
        return 2
    passed, failed, _ = run(args.micropython, args.only, out=sys.stdout)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
