#!/usr/bin/env python3
"""Footprint of TLS on the emulated Cortex-M3 (qemu port, board MPS2_AN385).

Run by `make footprint` once the four firmwares are built:
  base      MicroPython without TLS, the reference
  upstream  upstream's extmod/modtls_mbedtls.c with upstream's bare-metal
            Mbed TLS configuration, compiled from our Mbed TLS tree
  small     mpssl, small profile
  full      mpssl, full profile

Flash: what a firmware's text (code and read-only data; `arm-none-eabi-size`
reports both as text on this board) adds over base, split by the linker map
into the TLS module, Mbed TLS and the rest (qstrs, module tables, port glue).

Heap: the least free GC heap at which a client and a server in one process
still complete an in-memory TLS 1.2 handshake (ECDHE-ECDSA P-256,
AES-128-GCM, the client verifying the server's certificate) and exchange a
message. Each trial boots the emulator afresh, fills the heap with ballast
down to a target, then connects; a binary search finds the threshold.
The full profile is also measured for TLS 1.3 (its default).
"""
import argparse
import json
import os
import re
import subprocess
import sys

VARIANTS = ("base", "upstream", "small", "full")
STEP = 128  # resolution of the heap search, bytes

TRIAL = """
import gc
import tls
import mpssl_testcerts as C
from mpssl_testpipe import tls_pair, transfer
gc.collect()
ballast = bytearray(max(16, gc.mem_free() - {target}))
gc.collect()
free = gc.mem_free()
try:
    server_ctx = tls.SSLContext(tls.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(C.SERVER_EC_CERT, C.SERVER_EC_KEY)
    client_ctx = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
    client_ctx.verify_mode = tls.CERT_REQUIRED
    try:
        client_ctx.load_verify_locations(cadata=C.CA)
    except TypeError:  # upstream's takes cadata as its one positional argument
        client_ctx.load_verify_locations(C.CA)
    if {suite!r}:
        client_ctx.set_ciphers([{suite!r}])
    client, server = tls_pair(client_ctx, server_ctx, "localhost")
    transfer(client, server, b"ping")
    transfer(server, client, b"pong")
    print("RESULT OK", free, client.cipher()[1])
except Exception as e:
    print("RESULT FAIL", free, repr(e))
"""

TLS12_SUITE = "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256"


def firmware(build, variant):
    return os.path.join(build, variant, "firmware.elf")


def size(path):
    out = subprocess.check_output(["arm-none-eabi-size", path], text=True).splitlines()[1].split()
    return {"text": int(out[0]), "data": int(out[1]), "bss": int(out[2])}


def classify(path):
    # path is relative to the variant's build directory.
    if "mbedtls/library/" in path:
        return "mbedtls"
    if path.startswith("mpssl/") or path in ("extmod/modtls_mbedtls.o", "extmod/mbedtls/mbedtls_alt.o"):
        return "module"
    if path.startswith(("board/", "upstream/")) or "shared/timeutils/" in path:
        return "port_glue"
    return None


def map_breakdown(map_path, build_dir):
    # Sums the input sections the linker kept in flash (.text*, .rodata*,
    # .data*: initialised data is stored in flash too), by owner.
    sums = {"module": 0, "mbedtls": 0, "port_glue": 0}
    per_file = {}
    with open(map_path) as f:
        lines = f.read().split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Linker script and memory map"))
    pending = None
    pat = re.compile(r"^ (\.(?:text|rodata|data)\S*)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+\.o)\S*$")
    for line in lines[start:]:
        m = re.match(r"^ (\.(?:text|rodata|data)\S*)$", line)
        if m:
            pending = m.group(1)
            continue
        m = pat.match(line)
        if m and (m.group(1) or pending):
            obj = m.group(3)
            if obj.startswith(build_dir + "/"):
                obj = obj[len(build_dir) + 1:].lstrip("/")
            owner = classify(obj)
            if owner:
                n = int(m.group(2), 16)
                sums[owner] += n
                name = os.path.basename(m.group(3))
                per_file[name] = per_file.get(name, 0) + n
        pending = None
    return sums, per_file


def trial(args, variant, target, suite):
    script = TRIAL.format(target=target, suite=suite)
    path = os.path.join(args.build, "footprint-trial.py")
    with open(path, "w") as f:
        f.write(script)
    device = "execpty:{} -serial pty -kernel {}".format(args.qemu, firmware(args.build, variant))
    pyboard = os.path.join(args.micropython, "tools", "pyboard.py")
    try:
        out = subprocess.run([sys.executable, pyboard, "-d", device, path],
                             capture_output=True, text=True, timeout=60).stdout
    except subprocess.TimeoutExpired:
        return False, None, "timeout"
    m = re.search(r"RESULT (OK|FAIL) (\d+) ?(.*)", out)
    if not m:
        return False, None, "crashed: " + out[-200:]
    return m.group(1) == "OK", int(m.group(2)), m.group(3)


def min_heap(args, variant, suite):
    # Binary search on the free heap left before the connection starts.
    lo, hi = 4096, 135000
    ok, free, info = trial(args, variant, hi, suite)
    if not ok:
        raise SystemExit("footprint: {} does not connect even with a full heap: {}".format(variant, info))
    best = (free, info)
    while hi - lo > STEP:
        mid = (lo + hi) // 2
        ok, free, info = trial(args, variant, mid, suite)
        print("  {:9} {:>6} free -> {}".format(variant, free or mid, "ok" if ok else "fails: " + info), flush=True)
        if ok:
            hi = mid
            best = (free, info)
        else:
            lo = mid
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--micropython", required=True)
    ap.add_argument("--mbedtls", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--json", required=True)
    args = ap.parse_args()

    sizes = {v: size(firmware(args.build, v)) for v in VARIANTS}
    flash = {}
    files = {}
    for v in ("upstream", "small", "full"):
        build_dir = os.path.join(args.build, v)
        breakdown, per_file = map_breakdown(os.path.join(build_dir, "firmware.map"), build_dir)
        added = sizes[v]["text"] + sizes[v]["data"] - sizes["base"]["text"] - sizes["base"]["data"]
        flash[v] = {
            "total": added,
            "module": breakdown["module"],
            "mbedtls": breakdown["mbedtls"],
            "other": added - breakdown["module"] - breakdown["mbedtls"],
        }
        files[v] = dict(sorted(per_file.items(), key=lambda kv: -kv[1]))

    heap = {}
    heap_notes = {}
    for v, key, suite in (
        ("upstream", "upstream", TLS12_SUITE),
        ("small", "small", TLS12_SUITE),
        ("full", "full", TLS12_SUITE),
        ("full", "full_tls13", None),
    ):
        print("footprint: searching the least heap for a handshake,", key, flush=True)
        heap[key], heap_notes[key] = min_heap(args, v, suite)

    up_flash = flash["upstream"]["total"]
    up_heap = heap["upstream"]
    report = {
        "board": "qemu-system-arm -machine mps2-an385 (Cortex-M3), MicroPython qemu port, GC heap 143360 bytes",
        "mbedtls": os.path.basename(os.path.realpath(args.mbedtls)),
        "firmware": {v: dict(path=os.path.relpath(firmware(args.build, v)), **sizes[v]) for v in VARIANTS},
        "flash_bytes": flash,
        "min_handshake_heap_bytes": heap,
        "handshake_protocol": heap_notes,
        "ratio_to_upstream": {
            v: {"flash": round(flash[v]["total"] / up_flash, 3),
                "heap": round(heap[v] / up_heap, 3)} for v in ("small", "full")
        },
        "flash_by_object": files,
        "notes": [
            "flash = text+data a firmware adds over base (MicroPython without TLS); module, mbedtls from the linker map",
            "upstream is built without MBEDTLS_ERROR_C: Debian's tree lacks lib/mbedtls_errors/mp_mbedtls_errors.c (about 4.7 KB in a real upstream build)",
            "heap = least gc.mem_free() before creating both contexts at which a client+server in-memory handshake and one message each way succeed",
        ],
    }
    with open(args.json, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")

    print()
    print("{:10} {:>12} {:>10} {:>10} {:>8} {:>16}".format("", "flash added", "module", "Mbed TLS", "other", "handshake heap"))
    for v in ("upstream", "small", "full"):
        fl = flash[v]
        print("{:10} {:>12} {:>10} {:>10} {:>8} {:>16}".format(v, fl["total"], fl["module"], fl["mbedtls"], fl["other"], heap[v]))
    print("{:10} {:>12} {:>10} {:>10} {:>8} {:>16}".format("full 1.3", "", "", "", "", heap["full_tls13"]))
    for v in ("small", "full"):
        r = report["ratio_to_upstream"][v]
        print("{} / upstream: flash {:.2f}x, heap {:.2f}x".format(v, r["flash"], r["heap"]))
    print("wrote", args.json)


if __name__ == "__main__":
    main()
