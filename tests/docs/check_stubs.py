#!/usr/bin/env python3
"""stubs/ssl.pyi and stubs/tls.pyi against the built module, both ways.

    python3 tests/docs/check_stubs.py [--binary build/micropython-test]

Names: every public name (no leading underscore) of each module, of each class and of its
instances (attributes served by a type's attr handler are found by trying every MP_QSTR_ name
of mpssl/*.c on an instance) must be in the stub, and every name in the stub must be in the
module. Signatures: MicroPython keeps no signatures, so each callable is called with the
argument shapes its stub allows (each required count, the most positionals, each keyword)
and with the shapes it forbids (one positional too many, one too few, a positional-only
parameter by name, every other known name as a keyword); an argument-checking TypeError must
come exactly for the forbidden ones. The arguments are zeros, and socket methods are tried
on a closed SSLSocket, so no call gets past its own checks to do anything. SSLSession's are
tried on a real session: a TLS 1.2 handshake with `openssl s_server` on loopback.

Exit status 0 when they match; otherwise one line per difference, each saying which side to
change. When a name is added to the module, add it to stubs/ssl.pyi (and docs/reference.md).
"""
import argparse
import ast
import glob
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STUBS = os.path.join(ROOT, "stubs")
MODULES = ("ssl", "tls")
SIMPLE_TYPES = ("int", "str", "bytes", "bool")


# ---- the stubs, read with CPython's ast -------------------------------------------------


def params_of(func):
    """[(name, kind, has_default)] without self; kind: po, pk, ko or var."""
    a = func.args
    positional = [(p, "po") for p in a.posonlyargs] + [(p, "pk") for p in a.args]
    defaults = [False] * (len(positional) - len(a.defaults)) + [True] * len(a.defaults)
    out = [(p.arg, kind, d) for (p, kind), d in zip(positional, defaults)]
    out += [(p.arg, "ko", d is not None) for p, d in zip(a.kwonlyargs, a.kw_defaults)]
    if a.vararg or a.kwarg:
        out.append(("*", "var", True))
    return out


def read_stub(name, seen=None):
    """{"names": {name: simple type or None}, "functions": {name: params},
    "classes": {name: {"init": params or None, "methods": {...}, "attrs": [...]}}}"""
    path = os.path.join(STUBS, name + ".pyi")
    tree = ast.parse(open(path).read(), path)
    stub = {"names": {}, "functions": {}, "classes": {}}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module in MODULES:
            other = read_stub(node.module)
            wanted = [a.name for a in node.names]
            for part in ("names", "functions", "classes"):
                for key, value in other[part].items():
                    if wanted == ["*"] or key in wanted:
                        stub[part][key] = value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            ann = node.annotation
            stub["names"][node.target.id] = ann.id if isinstance(ann, ast.Name) and ann.id in SIMPLE_TYPES else None
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    stub["names"][target.id] = None
        elif isinstance(node, ast.FunctionDef):
            stub["functions"][node.name] = params_of(node)
        elif isinstance(node, ast.ClassDef):
            # A class with bases (an exception, say) may inherit its constructor.
            cls = {"init": None, "methods": {}, "attrs": [], "inherits": bool(node.bases)}
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    if item.name == "__init__":
                        cls["init"] = params_of(item)[1:]
                    else:
                        cls["methods"][item.name] = params_of(item)[1:]
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    cls["attrs"].append(item.target.id)
            stub["classes"][node.name] = cls
    for part in ("names", "functions", "classes"):
        stub[part] = {k: v for k, v in stub[part].items() if not k.startswith("_")}
    return stub


# ---- the calls that tell a signature ----------------------------------------------------


def signature_probes(params, unknown_names):
    """[(args, kwargs, should_be_accepted, what)] for a callable with these params."""
    if any(kind == "var" for _, kind, _ in params):
        return []
    positional = [p for p in params if p[1] in ("po", "pk")]
    required = [p for p in positional if not p[2]]
    most, least = len(positional), len(required)
    probes = [([0] * least, {}, True, "%d positional argument(s)" % least)]
    if most != least:
        probes.append(([0] * most, {}, True, "%d positional arguments" % most))
    probes.append(([0] * (most + 1), {}, False, "%d positional arguments" % (most + 1)))
    if least:
        probes.append(([0] * (least - 1), {}, False, "%d positional argument(s)" % (least - 1)))
    for i, (name, kind, has_default) in enumerate(params):
        if kind == "var":
            continue
        # Positionals before it, and by name the required ones after it.
        before = min(i, least)
        kwargs = {p[0]: 0 for p in required[before:] if p[0] != name}
        kwargs[name] = 0
        probes.append(([0] * before, kwargs, kind != "po", "%s= by keyword" % name))
    keywords = {name for name, kind, _ in params if kind in ("pk", "ko")}
    for name in sorted(unknown_names - keywords):
        probes.append(([0] * least, {name: 0}, False, "%s= by keyword" % name))
    return probes


def qstr_names():
    names = set()
    for path in glob.glob(os.path.join(ROOT, "mpssl", "*.c")):
        if not path.endswith("ssl_testing.c"):
            names.update(re.findall(r"MP_QSTR_([A-Za-z][A-Za-z0-9_]*)", open(path).read()))
    return names


# ---- what MicroPython reports -----------------------------------------------------------

# Runs in MicroPython: PROBES, CANDIDATES, MODULES and SESSION_PORT are prepended. Prints one
# JSON line.
MICROPYTHON_SIDE = r"""
import json, socket, ssl, tls

ARGUMENT_ERRORS = ("positional argument", "argument required", "keyword argument", "arguments given", "at most")

def accepted(f, args, kwargs):
    try:
        f(*args, **kwargs)
    except TypeError as e:
        return not any(s in str(e) for s in ARGUMENT_ERRORS)
    except Exception:
        pass
    return True

def has(obj, name):
    try:
        getattr(obj, name)
    except AttributeError:
        return False
    except Exception:
        pass
    return True

def session_of(mod):
    # A TLS 1.2 client's session (there at once, no ticket to wait for) from the openssl
    # s_server the checker started: an SSLSession cannot be had any other way.
    ctx = mod.SSLContext(mod.PROTOCOL_TLS_CLIENT)
    ctx.verify_mode = mod.CERT_NONE
    ctx.maximum_version = mod.TLSVersion.TLSv1_2
    raw = socket.socket()
    raw.connect(socket.getaddrinfo("127.0.0.1", SESSION_PORT)[0][-1])
    s = ctx.wrap_socket(raw)
    session = s.session
    s.close()
    return [session]

def instances(mod):
    client = mod.SSLContext(mod.PROTOCOL_TLS_CLIENT)
    server = mod.SSLContext(mod.PROTOCOL_TLS_SERVER)
    raw = socket.socket()
    sock = client.wrap_socket(raw, do_handshake_on_connect=False, server_hostname="example.com")
    # Exceptions: verify_code and verify_message are served by the instance's attr handler.
    failed = mod.SSLCertVerificationError(-0x2700, "certificate verify failed: unknown CA")
    return {"SSLContext": [client, server], "SSLSocket": [sock], "SSLSession": session_of(mod),
            "SSLError": [mod.SSLError(-0x7780, "peer sent a fatal alert")], "SSLCertVerificationError": [failed]}

report = {"modules": {}}
objects = {}
for mname in MODULES:
    mod = __import__(mname)
    inst = instances(mod)
    names, types, classes = [], {}, {}
    for n in dir(mod):
        if n.startswith("_"):
            continue
        v = getattr(mod, n)
        names.append(n)
        types[n] = type(v).__name__
        if type(v) is type:
            found = set(x for x in dir(v) if not x.startswith("_") or x in ("__enter__", "__exit__"))
            for obj in inst.get(n, []):
                found.update(c for c in CANDIDATES if has(obj, c))
            classes[n] = sorted(found)
            try:
                v()
                objects[(mname, n, "__new__")] = False
            except TypeError as e:
                objects[(mname, n, "__new__")] = "create" not in str(e)
            except Exception:
                objects[(mname, n, "__new__")] = True
    report["modules"][mname] = {"names": names, "types": types, "classes": classes}
    objects[mname] = inst
    for s in inst["SSLSocket"]:
        s.close()

# One byte a probe ("1": accepted): thousands of them, where a list of bools would need a
# contiguous block the heap may not have.
took = bytearray()
for mname, cname, fname, args, kwargs in PROBES:
    mod = __import__(mname)
    if cname is None:
        f = getattr(mod, fname)
    elif fname == "__init__":
        f = getattr(mod, cname)
    else:
        f = getattr(objects[mname].get(cname, [getattr(mod, cname)])[0], fname)
    took.append(ord("1") if accepted(f, args, kwargs) else ord("0"))
report["probes"] = took.decode()
report["constructible"] = [[k[0], k[1], v] for k, v in objects.items() if isinstance(k, tuple)]
print(json.dumps(report))
"""


def session_server(folder):
    """openssl s_server (TLS 1.2) on a free loopback port, with a throwaway P-256 certificate,
    for MicroPython's side to get an SSLSession from: (process, port)."""
    key, cert = os.path.join(folder, "key.pem"), os.path.join(folder, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-subj", "/CN=check-stubs", "-days", "1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(["openssl", "s_server", "-accept", "127.0.0.1:%d" % port, "-www", "-quiet",
                               "-tls1_2", "-cert", cert, "-key", key],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while server.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            time.sleep(0.05)
    server.kill()
    sys.exit("check_stubs: openssl s_server did not start")


def run_micropython(binary, probes, candidates):
    with tempfile.TemporaryDirectory(prefix="mpssl-stubs-") as folder:
        server, port = session_server(folder)
        try:
            script = "PROBES = %r\nCANDIDATES = %r\nMODULES = %r\nSESSION_PORT = %d\n" % (
                probes, sorted(candidates), MODULES, port)
            script += MICROPYTHON_SIDE
            path = os.path.join(folder, "side.py")
            with open(path, "w") as f:
                f.write(script)
            run = subprocess.run([binary, path], capture_output=True, text=True, timeout=300)
        finally:
            server.kill()
            server.wait()
    if run.returncode != 0:
        sys.exit("check_stubs: MicroPython's side failed:\n" + (run.stdout + run.stderr)[-3000:])
    return json.loads(run.stdout.strip().splitlines()[-1])


def stub_file(mod):
    if mod == "ssl":
        return "stubs/ssl.pyi"
    return "stubs/%s.pyi (or stubs/ssl.pyi, whose names it imports)" % mod


def compare(binary):
    stubs = {m: read_stub(m) for m in MODULES}
    unknown = qstr_names() | {"not_a_parameter"}
    candidates = set(unknown)
    for stub in stubs.values():
        for cls in stub["classes"].values():
            candidates.update(cls["attrs"], cls["methods"])
    probes, meaning = [], []

    def add(mod, cls, func, params):
        label = "%s.%s" % (mod, ".".join(x for x in (cls, func) if x and x != "__init__"))
        for args, kwargs, ok, what in signature_probes(params, unknown):
            probes.append((mod, cls, func, args, kwargs))
            meaning.append((label, ok, what))

    for mod, stub in stubs.items():
        for func, params in stub["functions"].items():
            add(mod, None, func, params)
        for cname, cls in stub["classes"].items():
            if cls["init"] is not None:
                add(mod, cname, "__init__", cls["init"])
            for func, params in cls["methods"].items():
                if not func.startswith("__"):
                    add(mod, cname, func, params)

    report = run_micropython(binary, probes, candidates)
    problems = []
    for mod, stub in stubs.items():
        got = report["modules"][mod]
        declared = set(stub["names"]) | set(stub["functions"]) | set(stub["classes"])
        for n in sorted(set(got["names"]) - declared):
            problems.append("%s.%s is in the module but not in %s: add it" % (mod, n, stub_file(mod)))
        for n in sorted(declared - set(got["names"])):
            problems.append("%s.%s is in %s but not in the module: remove it" % (mod, n, stub_file(mod)))
        for n, t in stub["names"].items():
            if t and n in got["types"] and got["types"][n] != t:
                problems.append("%s.%s is %s in the module, %s in the stub" % (mod, n, got["types"][n], t))
        for cname, cls in stub["classes"].items():
            if cname not in got["classes"]:
                continue
            have = set(got["classes"][cname])
            want = set(cls["attrs"]) | {m for m in cls["methods"] if not m.startswith("_") or m in ("__enter__", "__exit__")}
            for n in sorted(have - want):
                problems.append("%s.%s.%s is in the module but not in the stub: add it" % (mod, cname, n))
            for n in sorted(want - have):
                problems.append("%s.%s.%s is in the stub but not in the module: remove it" % (mod, cname, n))
    for mod, cname, constructible in report["constructible"]:
        cls = stubs[mod]["classes"].get(cname)
        if cls is not None and cls["init"] is None and constructible and not cls["inherits"]:
            problems.append("%s.%s() makes an instance: give it an __init__ in the stub" % (mod, cname))
        if cls is not None and cls["init"] is not None and not constructible:
            problems.append("%s.%s cannot be instantiated: drop its __init__ from the stub" % (mod, cname))
    for (label, ok, what), answer in zip(meaning, report["probes"]):
        took = answer == "1"
        if ok and not took:
            problems.append("%s: the stub allows %s, the module refuses it" % (label, what))
        elif took and not ok:
            problems.append("%s: the module accepts %s, the stub does not" % (label, what))
    return problems, len(probes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = os.environ.get("MICROPY_MICROPYTHON", os.path.join(ROOT, "build", "micropython-test"))
    parser.add_argument("--binary", default=default)
    args = parser.parse_args()
    problems, count = compare(args.binary)
    for p in problems:
        print(p)
    print("check_stubs: %d calls, %d difference(s)" % (count, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
