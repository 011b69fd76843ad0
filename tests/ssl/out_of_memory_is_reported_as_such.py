# When the heap runs out while creating a context or loading certificates and keys, the call
# reports it: MemoryError, or OSError(ENOMEM) as MicroPython's TLS module does for failed TLS
# allocations; never a misleading error such as ValueError("invalid cert"). Once there is room
# the call succeeds. Each call is tried with the heap full, then with more and more freed.
import gc
import ssl
from errno import ENOMEM
from _common import data, describe

EC_CERT, EC_KEY = data("server_ec.crt.der"), data("server_ec.key.der")
RSA_CERT, RSA_KEY = data("server_rsa.crt.pem"), data("server_rsa.p8.pem")
CAS = data("cas.pem")


def new_context():
    return ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)


def outcome(call):
    # Call call() with the heap full, then freed 32 bytes at a time until it works. Nothing here
    # may allocate while the heap is full: results go to storage allocated beforehand.
    gc.collect()
    wrong = [None, None, None, None]  # first exception of each type that is not out of memory
    flags = bytearray(2)  # [0]: out of memory reported, [1]: call() succeeded
    hog = []
    for size in (1024, 64, 16):
        try:
            while True:
                hog.append(bytearray(size))
        except MemoryError:
            pass
    while hog:
        try:
            call()
            flags[1] = 1
            break
        except Exception as e:
            if isinstance(e, MemoryError) or (isinstance(e, OSError) and e.errno == ENOMEM):
                flags[0] = 1
            else:
                i = 0
                while i < 3 and wrong[i] is not None and type(wrong[i]) is not type(e):
                    i += 1
                if wrong[i] is None:
                    wrong[i] = e
        hog.pop()
        gc.collect()
    hog = None
    gc.collect()
    wrong = [describe(e) for e in wrong if e is not None]
    if flags[0] and flags[1] and not wrong:
        return "out of memory, then ok"
    return "out of memory reported %d, ok %d, other errors %s" % (flags[0], flags[1], wrong)


new_context()  # seeds the module's random generator, which happens once per process

for label, call in (
    ("SSLContext()", new_context),
    ("load_cert_chain EC DER", lambda: new_context().load_cert_chain(EC_CERT, EC_KEY)),
    ("load_cert_chain RSA PEM", lambda: new_context().load_cert_chain(RSA_CERT, RSA_KEY)),
    ("load_verify_locations PEM bundle", lambda: new_context().load_verify_locations(cadata=CAS)),
):
    print(label + ":", outcome(call))
