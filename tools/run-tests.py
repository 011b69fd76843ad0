#!/usr/bin/env python3
"""Run mpssl's tests against build/micropython-test (make test-build).

usage: python3 tools/run-tests.py [--only PATTERN] [--suite NAME ...] [--list]
Environment: MPSSL_MICROPYTHON overrides the binary under test (default
build/micropython-test: the product with the _mpssl_testing hooks), MPSSL_PRODUCT the product
binary the product suite checks (default build/micropython), MPSSL_UPSTREAM_TESTS MicroPython's
tests directory (default build/deps/micropython/tests), whose runners run every suite and whose
ssl/tls tests the upstream suite runs, with the expectations of that MicroPython release
(tools/upstream_suite.py). make test-1.26 sets both for 1.26.1.

The test command. It creates the test certificates (tools/make-certs.sh), starts the peers the
tests talk to on loopback (openssl s_server instances, a Go TLS server, nginx, raw-socket
misbehaving peers, and an on-demand openssl s_client and curl service), runs the suites in SUITES one after another with
MicroPython's own test runners, stops every peer, prints each failure's diff and ends with the
line "N passed, N failed". The upstream suite binds the fixed port 8000 (MicroPython's multi_net
tests): do not run two of these at once in one network namespace (.ci/run gives the tests one
of their own). The qemu suites build the emulator firmware first (make qemu, minutes from
scratch; the cross toolchain and qemu are Debian packages it installs when missing).

What a test sees (environment):
  MPSSL_CERTS            directory of certificates and keys (see tools/make-certs.sh), plus
                         NAME.peercert: CPython's getpeercert() dict of NAME.crt.pem (a literal)
  MPSSL_PORT_<PEER>      port on 127.0.0.1 of each peer in S_SERVERS, GO_SERVERS, NGINX_SERVERS
                         and RAW_PEERS
  MPSSL_PORT_BASE        first port a test may try to listen on (tests/ssl/_common.py:listen)
  MPSSL_RUN              request directory of the s_client service (see SClientService)
"""

import argparse
import base64
import concurrent.futures
import ctypes
import difflib
import fnmatch
import glob
import os
import re
import shlex
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import ssl as cpython_ssl
from typing import NamedTuple

import upstream_suite

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
MICROPYTHON = os.path.abspath(
    os.environ.get("MPSSL_MICROPYTHON", os.path.join(BUILD, "micropython-test"))
)
PRODUCT = os.path.abspath(os.environ.get("MPSSL_PRODUCT", os.path.join(BUILD, "micropython")))
CERTS = os.path.join(BUILD, "certs")
# This run's directory (peer logs, s_client requests, failed tests' output), made by prepare()
# under build/test-run/ so that concurrent runs do not meet; removed when every test passed.
RUN = None
# MicroPython's tests directory: its runners, and the upstream suites.
UPSTREAM_TESTS = upstream_suite.UPSTREAM
# The --only pattern (the upstream runner passes it on to upstream_suite.run).
ONLY = None


# ---------------------------------------------------------------------------------------------
# Suites: what to run and with which runner. Add a row to add a suite.


class Suite(NamedTuple):
    name: str
    # "single": upstream run-tests.py; "multi": upstream run-multitests.py; "upstream":
    # tools/upstream_suite.py; "qemu": make test-qemu (ports/qemu/qemu.mk) on the emulated board;
    # "native": C programs compiled against the unix build's Mbed TLS (run_native);
    # "constant-flow": the same under valgrind (run_constant_flow); "wycheproof": Wycheproof
    # vector files through tests/wycheproof's driver (run_wycheproof);
    # "apifuzz": fuzz/api/apifuzz.py (run_apifuzz)
    runner: str
    dir: str
    patterns: tuple  # file globs inside dir; names starting with "_" are helpers, never tests
    # multi: -i arguments, one tuple per number of instances a test has (run-multitests.py
    # adds plain micropython instances to the first tuple for tests with more)
    instances: tuple = ()
    permutations: int = 1  # multi: 2 runs both instance orders
    default: bool = True  # run without --suite
    binary: str = MICROPYTHON  # the MicroPython under test (e.g. a sanitizer build for a suite)
    profile: str = ""  # qemu: the MPSSL_PROFILE of the firmware
    arch: str = "arm"  # qemu: the board (MPSSL_QEMU_ARCH): arm (Cortex-M3) or rv32 (RISC-V)


MP_MP = ("micropython", "micropython")
MP_CPYTHON = ("micropython", "cpython")
MP_CPYTHON_MP = ("micropython", "cpython", "micropython")
CPYTHON_MP = ("cpython", "micropython")

SUITES = [
    Suite("ssl", "single", "tests/ssl", ("*.py",)),
    Suite("multi", "multi", "tests/multi", ("*.py",), (MP_MP,)),
    Suite("multi-cpython", "multi", "tests/multi", ("*.py",), (MP_CPYTHON,), permutations=2),
    # Three-instance DTLS tests put CPython (a lossy proxy, stray datagrams) between two
    # MicroPythons; in openssl_*.py a CPython instance drives the openssl command line.
    Suite("dtls", "multi", "tests/dtls", ("dtls_*.py", "lossy_*.py", "stray_*.py"), (MP_MP, MP_CPYTHON_MP)),
    Suite("dtls-openssl", "multi", "tests/dtls", ("openssl_*.py",), (CPYTHON_MP,)),
    # Our Mbed TLS patches' arithmetic against Mbed TLS's own general code.
    Suite("native", "native", "tests/native", ("*.c",)),
    # Our patched primitives under valgrind's memcheck, their secrets marked undefined: no
    # branch or address may depend on them (tests/constant-flow/_cf.h).
    Suite("constant-flow", "constant-flow", "tests/constant-flow", ("*.c",)),
    # Project Wycheproof's vectors against our Mbed TLS build: one test per vector file that
    # tests/wycheproof/files.txt lists, each named tests/wycheproof/FILE.json.
    Suite("wycheproof", "wycheproof", "tests/wycheproof", ("files.txt",)),
    # Allocation failure at every step (tests/reliability/reliability.mk has the longer runs).
    Suite("reliability", "single", "tests/reliability", ("*.py",)),
    # Python code around an SSLSocket (callbacks, streams written in Python, names, numbers,
    # sessions) that must not be able to corrupt memory (issue 15), over in-memory pipes.
    Suite("api_safety", "single", "tests/api_safety", ("*.py",)),
    # The records ours sends, measured by CPython's side of the connection (a MemoryBIO peer).
    Suite("records", "multi", "tests/records", ("*.py",), (MP_CPYTHON,)),
    # Hostile and broken peers scripted in CPython on raw sockets, against our client and server.
    Suite("hostile", "multi", "tests/hostile", ("*.py",), (MP_CPYTHON,)),
    # The TLS engine: the Mbed TLS 3.6.7 fixes our configuration can reach and the alerts the
    # RFCs require, against openssl peers and peers scripted in CPython (tests/engine/README.md).
    Suite("engine", "multi", "tests/engine", ("*.py",), (("micropython",), MP_CPYTHON)),
    # MicroPython's own ssl/tls tests and tests/asyncio_tls: tools/upstream_suite.py chooses the
    # tests (its tests()) and how each runs (net_inet ones are listed as skipped: no internet).
    Suite("upstream", "upstream", UPSTREAM_TESTS, ()),
    # tests/qemu on the emulated Cortex-M3 board, in each firmware profile.
    Suite("qemu-small", "qemu", "tests/qemu", ("*.py",), binary="", profile="small"),
    Suite("qemu-full", "qemu", "tests/qemu", ("*.py",), binary="", profile="full"),
    # The same on the emulated RISC-V board (VIRT_RV32, rv32imac).
    Suite("qemu-rv32-small", "qemu", "tests/qemu", ("*.py",), binary="", profile="small", arch="rv32"),
    Suite("qemu-rv32-full", "qemu", "tests/qemu", ("*.py",), binary="", profile="full", arch="rv32"),
    # The binary users run (make), not the test build: no test hooks in it.
    Suite("product", "single", "tests/product", ("*.py",), binary=PRODUCT),
    # The API fuzzer (fuzz/api/apifuzz.py), one test; make test-asan runs it on the sanitizer
    # build for MPSSL_API_FUZZ_SECONDS (default 75).
    Suite("apifuzz", "apifuzz", "fuzz/api", ("apifuzz.py",), default=False),
    # Every Python example of the reference and the tutorials against the peers each names
    # (tests/docs/doc_examples.py), and stubs/*.pyi against the module (tests/docs/check_stubs.py).
    Suite("docs", "docs", ".", ("docs/reference.md", "docs/tutorial-*.md", "docs/sessions.md", "docs/dtls.md", "docs/cpython-compat.md", "docs/psk-and-secure-elements.md", "docs/sessions-cid-keyupdate.md", "tests/docs/check_*.py")),
    # Our end against what devices meet, run by CPython: openssl's PSK modes, libcoap's CoAP
    # client and server, the mosquitto MQTT broker (Debian packages tests/devices installs).
    Suite("devices", "multi", "tests/devices", ("*.py",), (CPYTHON_MP,)),
    # select.poll and asyncio on our SSLSocket against CPython: readiness from the descriptor
    # and from Mbed TLS's buffers (patches/micropython/0003, docs/latency.md).
    Suite("asyncio", "multi", "tests/asyncio", ("*.py",), (MP_CPYTHON,)),
]


# ---------------------------------------------------------------------------------------------
# Peers. "@name" stands for "-cert CERTS/name.crt.pem -key CERTS/name.key.pem".

# MPSSL_PORT_<NAME>: `openssl s_server -rev` (echoes each line reversed) with these options.
S_SERVERS = {
    "TLS12_EC": "-tls1_2 @server_ec",
    "TLS13_EC": "-tls1_3 @server_ec",
    "TLS12_RSA": "-tls1_2 @server_rsa",
    "TLS13_RSA": "-tls1_3 @server_rsa",
    "TLS13_P384": "-tls1_3 @server_p384",
    "TLS12_RSA4096": "-tls1_2 @server_rsa4096",
    "TLS12_X25519": "-tls1_2 @server_ec -groups X25519",
    "TLS13_P384_GROUP": "-tls1_3 @server_ec -groups P-384",
    "TLS12_EC_CHACHA": "-tls1_2 @server_ec -cipher ECDHE-ECDSA-CHACHA20-POLY1305",
    "TLS12_EC_AES256CBC": "-tls1_2 @server_ec -cipher ECDHE-ECDSA-AES256-SHA384",
    "TLS12_RSA_AES128CBC": "-tls1_2 @server_rsa -cipher ECDHE-RSA-AES128-SHA256",
    "TLS12_RSA_AES256GCM": "-tls1_2 @server_rsa -cipher ECDHE-RSA-AES256-GCM-SHA384",
    "TLS13_CHACHA": "-tls1_3 @server_ec -ciphersuites TLS_CHACHA20_POLY1305_SHA256",
    "TLS13_AES128": "-tls1_3 @server_rsa -ciphersuites TLS_AES_128_GCM_SHA256",
    "CHAIN": "-tls1_3 @server_chain -cert_chain CERTS/inter_ca.crt.pem",
    "EXPIRED": "@server_expired",
    "FUTURE": "@server_future",
    "WRONGHOST": "@server_wronghost",
    "UNKNOWNCA": "@server_unknownca",
    "CLIENTAUTH12": "-tls1_2 @server_ec -Verify 1 -verify_return_error -CAfile CERTS/ca.crt.pem",
    "CLIENTAUTH13": "-tls1_3 @server_ec -Verify 1 -verify_return_error -CAfile CERTS/ca.crt.pem",
    # tests/engine: an example.com chain through an end-entity certificate (CVE-2026-49300);
    # chains outside our signature algorithms (OpenSSL needs security level 0 for RSA-1024).
    "FORGED13": "-tls1_3 @forged_server -cert_chain CERTS/pathlen_only.crt.pem",
    "FORGED12": "-tls1_2 @forged_server -cert_chain CERTS/pathlen_only.crt.pem",
    "SHA224_CHAIN": "-tls1_3 @server_sha224 -cert_chain CERTS/inter_sha224.crt.pem",
    "RSA1024": "-tls1_2 @server_rsa1024 -cipher ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0",
    "P521_CHAIN": "-tls1_3 @server_p521 -cert_chain CERTS/inter_p521.crt.pem",
}


# MPSSL_PORT_<NAME>: tests/ssl/_ignores_mfl_server (Go's crypto/tls, which ignores a client's
# max_fragment_length request and sends full-size records) with these options.
GO_SERVERS = {
    "IGNORES_MFL12": "-tls 1.2 @server_ec",
    "IGNORES_MFL13": "-tls 1.3 @server_ec",
}
GO_SERVER_SRC = os.path.join(ROOT, "tests", "ssl", "_ignores_mfl_server")
GO_SERVER = os.path.join(BUILD, "peers", "ignores-mfl-server")


class _GarbagePeer(socketserver.BaseRequestHandler):
    # Reads the ClientHello and answers with bytes that are not a TLS record.
    def handle(self):
        self.request.recv(4096)
        self.request.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\nthis is not TLS\r\n")


class _HangupPeer(socketserver.BaseRequestHandler):
    # Reads the ClientHello and closes the connection: a peer that dies mid-handshake.
    def handle(self):
        self.request.recv(4096)


# MPSSL_PORT_<NAME>: nginx (Debian's package) serving GET / with "hello from nginx <NAME>\n"
# over HTTP/1.1 and HTTP/2 (ALPN), with these ssl directives.
NGINX_SERVERS = {
    "NGINX12": "ssl_protocols TLSv1.2; ssl_certificate CERTS/server_ec.crt.pem; ssl_certificate_key CERTS/server_ec.key.pem;",
    "NGINX13": "ssl_protocols TLSv1.3; ssl_certificate CERTS/server_rsa.crt.pem; ssl_certificate_key CERTS/server_rsa.key.pem;",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_config(ports):
    # One nginx in the foreground, its files under RUN, a server block per NGINX_SERVERS entry.
    servers = ""
    for name, directives in NGINX_SERVERS.items():
        servers += (
            "server { listen 127.0.0.1:%d ssl http2; %s"
            ' location / { default_type text/plain; return 200 "hello from nginx %s\\n"; } }\n'
        ) % (ports[name], directives.replace("CERTS/", CERTS + "/"), name)
    temp = "".join(
        "%s_temp_path %s/nginx-%s; " % (kind, RUN, kind) for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        "daemon off; master_process off; worker_processes 1; pid %s/nginx.pid;\n"
        "error_log %s/nginx-error.log;\nevents { worker_connections 64; }\n"
        "http { access_log off; %s\n%s}\n"
    ) % (RUN, RUN, temp, servers)


def start_nginx(env):
    # nginx from Debian's package, on free loopback ports; returns the process. curl (the
    # s_client service's curl_* variants) and tshark (tests/records/keylog_*) come with it.
    subprocess.run([os.path.join(ROOT, "tools", "ensure-packages.sh"), "nginx", "curl", "tshark"], check=True)
    ports = {name: free_port() for name in NGINX_SERVERS}
    conf = os.path.join(RUN, "nginx.conf")
    with open(conf, "w") as f:
        f.write(nginx_config(ports))
    log = open(os.path.join(RUN, "nginx.log"), "wb")
    proc = spawn(["nginx", "-e", os.path.join(RUN, "nginx-error.log"), "-p", RUN, "-c", conf],
                 stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    for name, port in ports.items():
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    with open(os.path.join(RUN, "nginx-error.log")) as f:
                        raise RuntimeError("nginx did not start:\n" + f.read())
                time.sleep(0.05)
        env["MPSSL_PORT_" + name] = str(port)
    return proc


# MPSSL_PORT_<NAME>: raw-socket peers served by threads of this process.
RAW_PEERS = {"GARBAGE": _GarbagePeer, "HANGUP": _HangupPeer}

# `openssl s_client` variants a test can ask for through the s_client service.
S_CLIENTS = {
    "tls12": "-tls1_2",
    "tls13": "-tls1_3",
    "tls12_chacha": "-tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305",
    "tls12_rsa_aes128gcm": "-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256",
    "tls13_aes128": "-tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256",
    "tls13_mfl512": "-tls1_3 -maxfraglen 512",
    "tls13_cert_ec": "-tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256 @client_ec",
    "tls12_cert_rsa": "-tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384 @client_rsa",
    "tls13_cert_unknownca": "-tls1_3 @client_unknownca",
    "tls13_cert_forged": "-tls1_3 @forged_client -cert_chain CERTS/pathlen_only.crt.pem",
    "tls12_cert_forged": "-tls1_2 @forged_client -cert_chain CERTS/pathlen_only.crt.pem",
}
S_CLIENT_COMMON = (
    "-servername localhost -verify_hostname localhost -CAfile CERTS/ca.crt.pem"
    " -verify_return_error -brief -ign_eof"  # -ign_eof: read on until the server closes
)
# What the service reports of s_client's -brief summary (its "Key: value" lines on stderr).
S_CLIENT_REPORTS = ("Protocol version", "Ciphersuite", "Verification", "Verification error")
S_CLIENT_INPUT = b"hello from s_client\n"
# curl as a client of our server, through the same service (variant names start with "curl_"):
# an HTTPS GET of localhost:PORT/ (--proto-default https) verifying against the test CA. Its result has rc,
# received (the body, then "\n<HTTP code> <HTTP version>"), and the protocol, cipher and ALPN
# lines curl -v printed.
CURL_CLIENTS = {
    "curl_tls12_http11": "--tlsv1.2 --tls-max 1.2 --http1.1",
    "curl_tls13_alpn_h2_or_http11": "--tlsv1.3 --http2",
    "curl_tls13_cert_ec": "--tlsv1.3 --http1.1 --cert CERTS/client_ec.crt.pem --key CERTS/client_ec.key.pem",
    "curl_tls12_cert_rsa": "--tlsv1.2 --tls-max 1.2 --http1.1 --cert CERTS/client_rsa.crt.pem --key CERTS/client_rsa.key.pem",
}
CURL_REPORTS = ("SSL connection using", "ALPN")
# Resumption: s_client VARIANT runs twice against the same port, saving its session the first
# time (-sess_out) and offering it the second (-sess_in); with tamper, one byte of the saved
# ticket is changed in between. Each run's result says whether s_client saw "New" or "Reused".
S_CLIENT_RESUMES = {
    "tls12_resume": ("tls12", False),
    "tls13_resume": ("tls13", False),
    "tls12_tampered": ("tls12", True),
    "tls13_tampered": ("tls13", True),
}

# Scripted peers (tests/ssl/keyupdate_*): a program run through the s_client service with its
# stdin fed and its output (stdout and stderr) watched step by step: ("in", bytes) writes to
# its stdin, ("out", bytes) waits for bytes in its output past the last match. PORT is the
# request's port. The result says how many steps passed (steps_done) and the output after the
# last match on failure. openssl's k/K lines (KeyUpdate, update not requested / requested)
# are commands only without -ign_eof and only as a read of their own: each "in" is followed by
# an "out" that it caused, so two lines never reach the program together.
S_CLIENT_TLS13 = "openssl s_client -connect 127.0.0.1:PORT -tls1_3 -msg " + (
    "-servername localhost -verify_hostname localhost -CAfile CERTS/ca.crt.pem -verify_return_error"
)
KEYUPDATE_SENT = b">>> TLS 1.3, Handshake [length 0005], KeyUpdate"
KEYUPDATE_RECEIVED = b"<<< TLS 1.3, Handshake [length 0005], KeyUpdate"
SCRIPTED_PEERS = {
    # Against our echo server: KeyUpdate asking for one back, then one that does not.
    "keyupdate_s_client": (S_CLIENT_TLS13, [
        ("in", b"one\n"), ("out", b"one\n"),
        ("in", b"K\n"), ("out", b"KEYUPDATE"), ("in", b"two\n"), ("out", KEYUPDATE_SENT),
        ("out", KEYUPDATE_RECEIVED), ("out", b"two\n"),
        ("in", b"k\n"), ("out", b"KEYUPDATE"), ("in", b"three\n"), ("out", KEYUPDATE_SENT),
        ("out", b"three\n"),
    ]),
    # For our client, which writes one, two and three, each after reading a reply.
    "keyupdate_s_server": ("openssl s_server -accept 127.0.0.1:PORT -tls1_3 -naccept 1 -msg @server_ec", [
        ("out", b"one\n"),
        ("in", b"K\n"), ("out", KEYUPDATE_SENT),
        ("in", b"reply\n"), ("out", KEYUPDATE_RECEIVED), ("out", b"two\n"),
        ("in", b"k\n"), ("out", KEYUPDATE_SENT),
        ("in", b"reply\n"), ("out", b"three\n"),
    ]),
    # For our client whose "two" waits in its output buffer (its socket would block) when the
    # KeyUpdate asking for ours arrives: ours must follow that record, before "three". No
    # tickets: the client reads nothing before the KeyUpdate.
    "keyupdate_s_server_deferred": ("openssl s_server -accept 127.0.0.1:PORT -tls1_3 -naccept 1 -msg -num_tickets 0 @server_ec", [
        ("out", b"one\n"), ("in", b"K\n"), ("out", KEYUPDATE_SENT),
        ("in", b"reply\n"), ("out", b"two\n"), ("out", KEYUPDATE_RECEIVED), ("out", b"three\n"),
    ]),
    # gnutls-cli --rehandshake on TLS 1.3 sends KeyUpdate (update requested) after the handshake.
    "rehandshake_gnutls_cli": ("gnutls-cli --rehandshake --priority NORMAL:-VERS-ALL:+VERS-TLS1.3 "
                               "--x509cafile CERTS/ca.crt.pem --sni-hostname localhost "
                               "--verify-hostname localhost -p PORT 127.0.0.1", [
        ("out", b"ReHandshake was completed"), ("in", b"one\n"), ("out", b"one\n"),
    ]),
}


def run_scripted(variant, port):
    command, steps = SCRIPTED_PEERS[variant]
    args = openssl_args(command.replace("PORT", port))
    if args[0] == "gnutls-cli":  # a Debian package, installed when missing
        subprocess.run([os.path.join(ROOT, "tools", "ensure-packages.sh"), "gnutls-bin"], check=True)
    proc = spawn(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = bytearray()
    closed = threading.Event()

    def collect():
        for chunk in iter(lambda: proc.stdout.read1(4096), b""):
            output.extend(chunk)
        closed.set()

    threading.Thread(target=collect, daemon=True).start()
    done, pos, error = 0, 0, None
    try:
        for kind, data in steps:
            if kind == "in":
                proc.stdin.write(data)
                proc.stdin.flush()
            else:
                deadline = time.monotonic() + 10
                while output.find(data, pos) < 0 and not closed.is_set() and time.monotonic() < deadline:
                    time.sleep(0.02)
                found = output.find(data, pos)
                if found < 0:
                    error = "no %r in: %r" % (data, bytes(output[pos:])[-600:])
                    break
                pos = found + len(data)
            done += 1
    except OSError as e:
        error = "%r" % e
    finally:
        proc.kill()
        proc.wait()
    return {"steps": len(steps), "steps_done": done, "error": error}


def openssl_args(options):
    args = []
    for word in shlex.split(options.replace("CERTS/", CERTS + "/")):
        if word.startswith("@"):
            name = os.path.join(CERTS, word[1:])
            args += ["-cert", name + ".crt.pem", "-key", name + ".key.pem"]
        else:
            args.append(word)
    return args


def build_go_server():
    # Go is a Debian package (golang-go); the build is offline, its cache under build/, and its
    # binary written whole for a concurrent run that starts it; rebuilt when main.go changed.
    source = os.path.join(GO_SERVER_SRC, "main.go")
    if os.path.exists(GO_SERVER) and os.path.getmtime(GO_SERVER) > os.path.getmtime(source):
        return
    subprocess.run([os.path.join(ROOT, "tools", "ensure-packages.sh"), "golang-go"], check=True)
    env = dict(os.environ, GOCACHE=os.path.join(BUILD, "go-cache"), GOPROXY="off")
    env.update(GO111MODULE="off", GOFLAGS="")
    tmp = GO_SERVER + ".%d" % os.getpid()
    subprocess.run(["go", "build", "-o", tmp, "."], cwd=GO_SERVER_SRC, env=env, check=True)
    os.replace(tmp, GO_SERVER)


def die_with_parent():
    # Runs in the child before exec: get SIGTERM when this harness dies, however it dies.
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def spawn(args, **kwargs):
    return subprocess.Popen(args, preexec_fn=die_with_parent, **kwargs)


class SClientService:
    """Runs `openssl s_client` on request, for tests whose server is ours.

    A test listens, then writes RUN/<id>.req holding "VARIANT PORT" (written to .tmp and
    renamed). The service runs s_client VARIANT against 127.0.0.1:PORT with S_CLIENT_INPUT on
    its stdin, and answers with RUN/<id>.out: a dict literal with s_client's exit code, the
    protocol, cipher and verification it reported, and the bytes it received. For a variant of
    S_CLIENT_RESUMES, rc, received and reused are lists, one entry per run.
    """

    def __init__(self):
        self.stopping = threading.Event()
        self.procs = set()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def watch(self):
        while not self.stopping.wait(0.02):
            for req in glob.glob(os.path.join(RUN, "*.req")):
                taken = req[: -len(".req")] + ".taken"
                os.rename(req, taken)
                threading.Thread(target=self.serve, args=(taken,), daemon=True).start()

    def run(self, variant, port, extra=()):
        # s_client VARIANT against port: (exit code, stdout, stderr). With extra options, without
        # -brief, so that s_client prints its session summary.
        common = S_CLIENT_COMMON.replace(" -brief", "") if extra else S_CLIENT_COMMON
        args = ["openssl", "s_client", "-connect", "127.0.0.1:" + port]
        args += openssl_args(common + " " + S_CLIENTS[variant]) + list(extra)
        proc = spawn(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        with self.lock:
            self.procs.add(proc)
        try:
            out, err = proc.communicate(S_CLIENT_INPUT, timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        with self.lock:
            self.procs.discard(proc)
        return proc.returncode, out, err

    def curl(self, variant, port):
        args = ["curl", "-v", "-sS", "--max-time", "20", "--cacert", CERTS + "/ca.crt.pem"]
        args += ["--resolve", "localhost:%s:127.0.0.1" % port, "-w", "\n%{http_code} %{http_version}"]
        args += openssl_args(CURL_CLIENTS[variant]) + ["--proto-default", "https", "localhost:%s/" % port]
        proc = spawn(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = proc.communicate(timeout=30)
        result = {"rc": proc.returncode, "received": out}
        for line in err.decode(errors="replace").splitlines():
            for key in CURL_REPORTS:
                if line.startswith("* " + key):
                    result.setdefault(key.lower().replace(" ", "_"), []).append(line[2:])
        return result

    def resume(self, taken, variant, port):
        # S_CLIENT_RESUMES[variant]: rc, received and "New" or "Reused" of each of the two runs.
        base, tamper = S_CLIENT_RESUMES[variant]
        session = taken + ".session.pem"
        result = {"rc": [], "received": [], "reused": []}
        for option in ("-sess_out", "-sess_in"):
            if option == "-sess_in" and tamper:
                tamper_ticket(session)
            rc, out, _ = self.run(base, port, (option, session))
            result["rc"].append(rc)
            result["received"].append(out)
            m = re.search(rb"^(New|Reused), ", out, re.M)
            result["reused"].append(m.group(1).decode() if m else None)
        os.remove(session)
        return result

    def serve(self, taken):
        with open(taken) as f:
            variant, port = f.read().split()
        result = {"rc": None, "received": b""}
        if variant in SCRIPTED_PEERS:
            result = run_scripted(variant, port)
        elif variant in S_CLIENT_RESUMES:
            try:
                result = self.resume(taken, variant, port)
            except (OSError, ValueError) as e:
                result["error"] = "s_client resumption failed: %r" % e
        elif variant in CURL_CLIENTS:
            try:
                result = self.curl(variant, port)
            except (OSError, subprocess.TimeoutExpired) as e:
                result["error"] = "curl failed: %r" % e
        elif variant not in S_CLIENTS:
            result["error"] = "unknown s_client variant " + variant
        else:
            result["rc"], result["received"], err = self.run(variant, port)
            for line in err.decode(errors="replace").splitlines():
                key, _, value = line.partition(": ")
                if key in S_CLIENT_REPORTS:
                    result[key.lower().replace(" ", "_")] = value
        out_name = taken[: -len(".taken")] + ".out"
        with open(out_name + ".tmp", "w") as f:
            f.write(repr(result))
        os.rename(out_name + ".tmp", out_name)
        os.remove(taken)

    def stop(self):
        self.stopping.set()
        self.thread.join()
        with self.lock:
            for proc in self.procs:
                proc.kill()


def tamper_ticket(pem_file):
    # Change one byte in the middle of the ticket in the session s_client saved to pem_file:
    # a DER SEQUENCE (OpenSSL's SSL_SESSION) whose [10] element holds the ticket as an OCTET
    # STRING.
    with open(pem_file) as f:
        lines = f.read().splitlines()
    der = bytearray(base64.b64decode("".join(l for l in lines if not l.startswith("-----"))))

    def header(pos):
        # (start, length) of the contents of the DER element at pos.
        n = der[pos + 1]
        if n < 0x80:
            return pos + 2, n
        k = n & 0x7F
        return pos + 2 + k, int.from_bytes(der[pos + 2 : pos + 2 + k], "big")

    pos, length = header(0)
    end = pos + length
    while pos < end:
        start, length = header(pos)
        if der[pos] == 0xAA:  # [10], constructed
            ticket, ticket_len = header(start)
            if ticket_len > 0:
                der[ticket + ticket_len // 2] ^= 0x01
                body = base64.encodebytes(bytes(der)).decode()
                with open(pem_file, "w") as f:
                    f.write("%s\n%s%s\n" % (lines[0], body, lines[-1]))
                return
        pos = start + length
    raise ValueError("no ticket in the session s_client saved")


class Peers:
    """Every peer process and thread the tests use; a context manager that always stops them."""

    def __init__(self):
        self.procs = []
        self.servers = []
        self.sclient = None
        self.env = {}

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        logs = {}
        for name, options in S_SERVERS.items():
            logs[name] = os.path.join(RUN, "s_server-%s.log" % name)
            args = ["openssl", "s_server", "-accept", "127.0.0.1:0", "-rev"]
            args += openssl_args(options)
            with open(logs[name], "wb") as log:
                proc = spawn(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
            self.procs.append((name, proc))
        for name, options in GO_SERVERS.items():
            logs[name] = os.path.join(RUN, "go-server-%s.log" % name)
            args = [GO_SERVER] + openssl_args(options)
            with open(logs[name], "wb") as log:
                proc = spawn(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
            self.procs.append((name, proc))
        for name, handler in RAW_PEERS.items():
            server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)
            self.env["MPSSL_PORT_" + name] = str(server.server_address[1])
        self.sclient = SClientService()
        self.procs.append(("nginx", start_nginx(self.env)))
        deadline = time.monotonic() + 10
        for name, proc in self.procs:
            if name in logs:
                self.env["MPSSL_PORT_" + name] = wait_for_accept(name, proc, logs[name], deadline)
        self.env["MPSSL_PORT_BASE"] = str(upstream_suite.free_port_base())

    def stop(self):
        if self.sclient:
            self.sclient.stop()
        for server in self.servers:
            server.shutdown()
            server.server_close()
        for _, proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for _, proc in self.procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_for_accept(name, proc, log, deadline):
    # s_server (and the Go server) print "ACCEPT 127.0.0.1:PORT" once they listen on the port
    # they were given (0: any).
    while time.monotonic() < deadline:
        with open(log) as f:
            m = re.search(r"^ACCEPT 127\.0\.0\.1:(\d+)$", f.read(), re.M)
        if m:
            return m.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    with open(log) as f:
        raise RuntimeError("peer %s did not start:\n%s" % (name, f.read()))


# ---------------------------------------------------------------------------------------------
# Running suites with MicroPython's runners and reading their results.


class Result(NamedTuple):
    test: str
    status: str  # "pass", "FAIL" or "skip"
    detail: str = ""


def suite_files(suite, only, skip=()):
    if suite.runner == "upstream":
        return upstream_suite.tests(only)
    base = os.path.join(ROOT, suite.dir)
    files = sorted({f for p in suite.patterns for f in glob.glob(os.path.join(base, p))})
    if suite.runner == "wycheproof":  # a list of vector files, each a test
        files = [os.path.join(base, name) for f in files for name in open(f).read().split()]
    files = [f for f in files if not os.path.basename(f).startswith("_")]
    if only:
        files = [f for f in files if fnmatch.fnmatch(os.path.relpath(f, ROOT), "*%s*" % only)]
    for pattern in skip:
        files = [f for f in files if not fnmatch.fnmatch(os.path.relpath(f, ROOT), "*%s*" % pattern)]
    return [os.path.relpath(f, ROOT) for f in files]


def run_runner(args, env, on_line):
    """Run a MicroPython test runner, passing each output line to on_line.

    Returns its exit code and its last lines (to show if it stopped before reporting every test).
    """
    tail = []
    proc = spawn(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for raw in proc.stdout:
        line = raw.decode(errors="replace").rstrip("\n")
        tail = (tail + [line])[-30:]
        on_line(line)
    return proc.wait(), "\n".join(tail)


def run_single(suite, files, env):
    result_dir = os.path.join(RUN, "results", suite.name)
    results = []

    def on_line(line):
        m = re.match(r"(pass|FAIL|skip) +(\S+\.py)", line)
        if m:
            report(Result(m.group(2), m.group(1)), results)

    # One test at a time: in parallel, run-tests.py's verdict lines interleave (a verdict and
    # its file name can even land on different lines), and a suite was then reported short.
    args = [sys.executable, os.path.join(UPSTREAM_TESTS, "run-tests.py"), "-j", "1", "-r", result_dir]
    rc, tail = run_runner(args + files, env, on_line)
    return add_failure_diffs(results, result_dir), rc, tail


def add_failure_diffs(results, result_dir, test_file=lambda test: test):
    # run-tests.py writes a failed test's .exp and .out after announcing it (named after the
    # test's path as it was given, test_file(test)): diff them once the runner is done.
    for i, r in enumerate(results):
        if r.status == "FAIL":
            name = test_file(r.test).replace("..", "_").replace("./", "").replace("/", "_")
            base = os.path.join(result_dir, name)
            results[i] = r._replace(detail=diff_files(base + ".exp", base + ".out"))
    return results


def run_multi(suite, files, env):
    results = []
    current = []  # [test, status, detail lines] of the test whose output is being read

    def finish():
        if current:
            report(Result(current[0], current[1], "\n".join(current[2])), results)
            current.clear()

    def on_line(line):
        m = re.match(r"(\S+\.py) on (\S+): (pass|FAIL|skip)$", line)
        if m:
            finish()
            current.extend(["%s [%s]" % (m.group(1), m.group(2)), m.group(3), []])
        elif re.match(r"\d+ tests (performed|passed|skipped|failed)", line):
            finish()
        elif current:
            current[2].append(line)

    # One run per instance count: run-multitests.py broadcasts to every instance it created,
    # including ones a test with fewer instances never started.
    rc, tail = 0, ""
    for count in sorted(set(map(instance_count, files))):
        group = [f for f in files if instance_count(f) == count]
        instances = next((i for i in suite.instances if len(i) == count), suite.instances[0])
        args = [sys.executable, os.path.join(UPSTREAM_TESTS, "run-multitests.py")]
        args += ["-p", str(suite.permutations)]
        for instance in instances:
            args += ["-i", instance]
        group_rc, tail = run_runner(args + group, env, on_line)
        finish()
        rc = rc or group_rc
    return results, rc, tail


def instance_count(test):
    with open(os.path.join(ROOT, test)) as f:
        return 1 + max(
            map(int, re.findall(r"^def instance(\d+)\(\):", f.read(), re.M)), default=-1
        )


class _UpstreamLines:
    """The file upstream_suite.run() prints to: its lines ("PASS name", "FAIL name" and the
    failure's indented diff, "SKIP name (reason)") become Results as they arrive."""

    def __init__(self):
        self.results = []
        self.current = None  # [test, status, detail lines] of the test whose lines are read
        self.pending = ""

    def write(self, text):
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            m = re.match(r"(PASS|FAIL|SKIP) (\S+)(?: \((.*)\))?$", line)
            if m:
                self.finish()
                status = {"PASS": "pass", "FAIL": "FAIL", "SKIP": "skip"}[m.group(1)]
                self.current = [m.group(2), status, [m.group(3)] if m.group(3) else []]
            elif self.current and line.startswith("    "):
                self.current[2].append(line[4:])

    def flush(self):
        pass

    def finish(self):
        if self.current:
            test, status, detail = self.current
            report(Result(test, status, "\n".join(detail)), self.results)
            self.current = None


def run_upstream(suite, files, env):
    # upstream_suite starts its own servers and reads MPSSL_CERTS and MPSSL_PORT_BASE from the
    # environment; the suite's tests are the `files` its tests() listed, selected again by --only.
    lines = _UpstreamLines()
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        passed, failed, _ = upstream_suite.run(suite.binary, ONLY, out=lines)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    lines.finish()
    got = [r.status for r in lines.results]
    if (got.count("pass"), got.count("FAIL")) != (passed, failed):
        return lines.results, 1, "upstream_suite counted %d passed, %d failed" % (passed, failed)
    return lines.results, 0, ""


def run_qemu(suite, files, env):
    """tests/qemu with ports/qemu/qemu.mk: build the profile's firmware, then make test-qemu."""
    profile = "MPSSL_PROFILE=" + suite.profile
    arch = "MPSSL_QEMU_ARCH=" + suite.arch
    log = os.path.join(RUN, "%s.log" % suite.name)
    print("qemu: make qemu %s %s (log: %s)" % (profile, arch, os.path.relpath(log, ROOT)), flush=True)
    started = time.monotonic()
    with open(log, "wb") as f:
        rc = spawn(["make", "qemu", profile, arch], cwd=ROOT, stdout=f, stderr=subprocess.STDOUT).wait()
    print("qemu: firmware ready after %.0f s" % (time.monotonic() - started), flush=True)
    if rc != 0:
        with open(log, errors="replace") as f:
            return [], rc, "".join(f.readlines()[-30:])

    results = []
    tag = " [%s]" % suite.name

    def on_line(line):
        m = re.match(r"(pass|FAIL|skip) +(\S+)", line)
        if m:
            report(Result(os.path.relpath(m.group(2), ROOT) + tag, m.group(1)), results)

    # QEMU_TESTS (absolute paths, as qemu.mk passes them to run-tests.py) narrows the run.
    tests = " ".join(os.path.join(ROOT, f) for f in files)
    rc, tail = run_runner(
        ["make", "-s", "test-qemu", profile, arch, "QEMU_TESTS=" + tests], env, on_line
    )

    def test_file(test):
        return os.path.join(ROOT, test[: -len(tag)])

    result_dir = os.path.join(BUILD, "qemu" if suite.arch == "arm" else "qemu-" + suite.arch, "results-" + suite.profile)
    return add_failure_diffs(results, result_dir, test_file), rc, tail


def native_objects():
    """The unix test build's Mbed TLS objects, or None before make test-build."""
    objects = glob.glob(os.path.join(BUILD, "unix-test", "**", "library", "ssl_tls.o"), recursive=True)
    return glob.glob(os.path.join(os.path.dirname(objects[0]), "*.o")) if objects else None


def build_native(test, library):
    """Compile the C program `test` (a path under ROOT) with our Mbed TLS configuration against
    the unix build's Mbed TLS objects `library`, less those of the library files it includes
    itself (to reach their static functions), with the flags of its "// cflags:" line if any (those
    mpssl/micropython.mk gives the library files it includes). The link drops what the program does not reach
    (the objects have a section a function), so the platform functions our module provides to
    Mbed TLS (gmtime_r) are not needed. Returns the executable, or None and the compiler's
    complaint."""
    mbedtls = os.path.abspath(os.environ.get("MBEDTLS_SRC", os.path.join(BUILD, "deps", "mbedtls")))
    with open(os.path.join(ROOT, test)) as f:
        source = f.read()
    included = set(re.findall(r'^#include "(\w+)\.c"', source, re.M))
    cflags = [f for line in re.findall(r"^// cflags: (.*)$", source, re.M) for f in line.split()]
    out_dir = os.path.join(RUN, os.path.basename(os.path.dirname(test)))
    os.makedirs(out_dir, exist_ok=True)
    exe = os.path.join(out_dir, os.path.basename(test)[:-2])
    build = subprocess.run(
        ["cc", "-O2", "-g", "-Wl,--gc-sections"] + cflags + ["-o", exe, os.path.join(ROOT, test),
         "-I" + os.path.join(mbedtls, "include"), "-I" + os.path.join(mbedtls, "library"),
         "-I" + os.path.join(ROOT, "mpssl"), "-DMBEDTLS_CONFIG_FILE=\"mbedtls_config_mpssl.h\""]
        + [o for o in library if os.path.basename(o)[:-2] not in included],
        capture_output=True, text=True)
    if build.returncode != 0:
        return None, "does not compile:\n" + build.stderr[-3000:]
    return exe, ""


def run_native(suite, files, env, wrapper=()):
    """tests/native/*.c: C programs that check Mbed TLS internals we patched, built by
    build_native, then run (under `wrapper`, if any): exit status 0 passes. As many at once as
    there are CPUs; reported in order."""
    library = native_objects()
    if not library:
        return [], 1, "no Mbed TLS objects under build/unix-test: run make test-build first"

    def one(test):
        exe, complaint = build_native(test, library)
        if not exe:
            return Result(test, "FAIL", complaint)
        run = subprocess.run(list(wrapper) + [exe], capture_output=True, text=True, timeout=600, env=env)
        return Result(test, "pass" if run.returncode == 0 else "FAIL", (run.stdout + run.stderr)[-6000:])

    results = []
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        for result in pool.map(one, files):
            report(result, results)
    return results, 0, ""


def run_constant_flow(suite, files, env):
    """tests/constant-flow/*.c: native programs that mark secrets undefined for valgrind's
    memcheck (tests/constant-flow/_cf.h), run under it: a branch or an address that depends on
    a secret is an error, and an error fails the test."""
    if not shutil.which("valgrind"):
        return [], 1, "valgrind is missing: run make (it installs it) or apt-get install valgrind"
    wrapper = ("valgrind", "-q", "--error-exitcode=1", "--track-origins=yes")
    return run_native(suite, files, env, wrapper)


WYCHEPROOF = os.path.join(BUILD, "deps", "wycheproof", "testvectors_v1")


def run_wycheproof(suite, files, env):
    """tests/wycheproof: the driver (wycheproof.c, a native program) checks every vector of each
    Wycheproof file that files.txt lists, one file a test, against Wycheproof's verdicts less
    the upstream departures known-deviations.txt lists; convert.py turns the file's JSON into
    the driver's lines. Each file's count of vectors run is printed."""
    library = native_objects()
    if not library:
        return [], 1, "no Mbed TLS objects under build/unix-test: run make test-build first"
    if not os.path.isdir(WYCHEPROOF):
        return [], 1, "no Wycheproof vectors in %s: run make (it fetches them)" % WYCHEPROOF
    exe, complaint = build_native(os.path.join(suite.dir, "wycheproof.c"), library)
    known = os.path.join(ROOT, suite.dir, "known-deviations.txt")

    def one(test):
        if not exe:
            return Result(test, "FAIL", complaint), ""
        name = os.path.basename(test)
        convert = subprocess.run(
            [sys.executable, os.path.join(ROOT, suite.dir, "convert.py"), os.path.join(WYCHEPROOF, name)],
            capture_output=True, text=True)
        if convert.returncode != 0:
            return Result(test, "FAIL", convert.stderr[-3000:]), ""
        run = subprocess.run([exe, name, known], input=convert.stdout, capture_output=True,
                             text=True, timeout=600, env=env)
        status = "pass" if run.returncode == 0 else "FAIL"
        lines = run.stdout.strip().splitlines()
        return Result(test, status, (run.stdout + run.stderr)[-6000:]), lines[-1] if lines else ""

    results = []
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        for result, count in pool.map(one, files):
            print(count, flush=True)  # the file's count of vectors run
            report(result, results)
    return results, 0, ""


def run_apifuzz(suite, files, env):
    """The API fuzzer on the suite's binary for MPSSL_API_FUZZ_SECONDS: one result, its output
    (seeds, reduced scripts) the detail of a failure."""
    seconds = os.environ.get("MPSSL_API_FUZZ_SECONDS", "75")
    args = [sys.executable, os.path.join(ROOT, files[0]), "--binary", suite.binary, "--seconds", seconds]
    lines = []
    rc, _ = run_runner(args, env, lines.append)
    status = "pass" if rc == 0 and "pass fuzz/api" in lines else "FAIL"
    results = []
    report(Result(files[0], status, "\n".join(lines[:400])), results)
    return results, rc, ""


def run_docs(suite, files, env):
    """A page of docs/ (every Python example on it, tests/docs/doc_examples.py) or a checker
    in tests/docs run with CPython: exit status 0 passes."""
    results = []
    for test in files:
        script = test if test.endswith(".py") else os.path.join("tests", "docs", "doc_examples.py")
        args = [sys.executable, os.path.join(ROOT, script), "--binary", suite.binary]
        args += [] if test.endswith(".py") else [os.path.join(ROOT, test)]
        run = subprocess.run(args, capture_output=True, text=True, timeout=900, env=env, cwd=ROOT)
        report(Result(test, "pass" if run.returncode == 0 else "FAIL", (run.stdout + run.stderr)[-6000:]), results)
    return results, 0, ""


RUNNERS = {
    "single": run_single, "multi": run_multi, "upstream": run_upstream, "qemu": run_qemu,
    "native": run_native, "constant-flow": run_constant_flow, "wycheproof": run_wycheproof,
    "apifuzz": run_apifuzz, "docs": run_docs,
}


def diff_files(expected, got):
    def lines(path):
        try:
            with open(path, errors="replace") as f:
                return f.read().splitlines(keepends=True)
        except FileNotFoundError:
            return []

    return "".join(difflib.unified_diff(lines(expected), lines(got), "expected", "got"))


def report(result, results):
    results.append(result)
    print("%-4s %s" % (result.status, result.test), flush=True)


# ---------------------------------------------------------------------------------------------


def write_peercert_expectations():
    # NAME.peercert: what CPython's SSLSocket.getpeercert() returns for NAME.crt.pem.
    for pem in glob.glob(os.path.join(CERTS, "*.crt.pem")):
        decoded = cpython_ssl._ssl._test_decode_cert(pem)
        name = pem[: -len(".crt.pem")] + ".peercert"
        with open(name + ".%d" % os.getpid(), "w") as f:
            f.write(repr(decoded) + "\n")
        os.replace(f.name, name)  # whole, for tests of a concurrent run


def prepare():
    global RUN
    subprocess.run([os.path.join(ROOT, "tools", "make-certs.sh"), CERTS], check=True)
    write_peercert_expectations()
    # CERTS/trust: the trust store cases and CPython's verdicts on them.
    subprocess.run([sys.executable, os.path.join(ROOT, "tests", "ssl", "_trust_cases.py"), CERTS], check=True)
    build_go_server()
    runs = os.path.join(BUILD, "test-run")
    os.makedirs(runs, exist_ok=True)
    for old in sorted(glob.glob(os.path.join(runs, "run-*")), key=os.path.getmtime)[:-4]:
        shutil.rmtree(old, ignore_errors=True)  # keep the last failed runs' logs, not all
    RUN = tempfile.mkdtemp(prefix="run-", dir=runs)


def test_env(peers, suite):
    env = dict(os.environ)
    env.update(peers.env)
    env["MPSSL_CERTS"] = CERTS
    env["MPSSL_RUN"] = RUN
    env["MICROPY_MICROPYTHON"] = suite.binary
    env["MICROPY_CPYTHON3"] = sys.executable
    env["PYTHONUNBUFFERED"] = "1"  # keeps the runners' output and their diff tool's in order
    return env


def main():
    parser = argparse.ArgumentParser(description="Run mpssl's tests against build/micropython-test.")
    parser.add_argument(
        "--only", metavar="PATTERN", help="tests whose path contains PATTERN (glob)"
    )
    parser.add_argument(
        "--skip", metavar="PATTERN", action="append", default=[],
        help="leave out tests whose path contains PATTERN (glob; not counted at all)",
    )
    parser.add_argument("--suite", action="append", choices=[s.name for s in SUITES])
    parser.add_argument("--list", action="store_true", help="list the selected tests and exit")
    args = parser.parse_args()

    global ONLY
    ONLY = args.only
    suites = [s for s in SUITES if (s.name in args.suite if args.suite else s.default)]
    selected = [(s, suite_files(s, args.only, args.skip)) for s in suites]
    selected = [(s, files) for s, files in selected if files]
    if args.list:
        for suite, files in selected:
            print("\n".join("%s: %s" % (suite.name, f) for f in files))
        return 0

    missing = sorted(
        {s.binary for s, _ in selected if s.binary and not os.access(s.binary, os.X_OK)}
    )
    if missing:
        names = ", ".join(os.path.relpath(b, ROOT) for b in missing)
        print("run-tests: %s not found: run make test first" % names)
        print("0 passed, 0 failed")
        return 2

    # SIGTERM/SIGHUP unwind like Ctrl-C, so the peers are stopped on every way out.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.default_int_handler)

    results, broken = [], []
    started = time.monotonic()
    try:
        prepare()
        with Peers() as peers:
            for suite, files in selected:
                print("== suite %s (%d files)" % (suite.name, len(files)), flush=True)
                suite_started = time.monotonic()
                env = test_env(peers, suite)
                suite_results, rc, tail = RUNNERS[suite.runner](suite, files, env)
                results += suite_results
                statuses = [r.status for r in suite_results]
                counts = tuple(map(statuses.count, ("pass", "FAIL", "skip")))
                elapsed = time.monotonic() - suite_started
                summary = "== suite %s: %d passed, %d failed, %d skipped in %.0f s"
                print(summary % ((suite.name,) + counts + (elapsed,)), flush=True)
                complete = len(suite_results) == len(files) * suite.permutations
                if not complete or (rc != 0 and all(r.status != "FAIL" for r in suite_results)):
                    detail = "runner exited with %d after %d results; its last lines:\n%s"
                    detail %= (rc, len(suite_results), tail)
                    broken.append(Result("suite " + suite.name, "FAIL", detail))
    except (Exception, KeyboardInterrupt):
        broken.append(Result("run-tests", "FAIL", traceback.format_exc()))

    failed = [r for r in results if r.status == "FAIL"] + broken
    passed = [r for r in results if r.status == "pass"]
    skipped = [r for r in results if r.status == "skip"]
    for r in failed:
        print("\n---- FAIL %s\n%s" % (r.test, r.detail.rstrip()))
    print()
    if RUN and failed:
        print("peer logs and test output: %s" % os.path.relpath(RUN, ROOT))
    elif RUN:
        shutil.rmtree(RUN)
    if skipped:
        print("skipped: " + " ".join(r.test for r in skipped))
    print("time: %.0f s" % (time.monotonic() - started))
    print("%d passed, %d failed" % (len(passed), len(failed)))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
