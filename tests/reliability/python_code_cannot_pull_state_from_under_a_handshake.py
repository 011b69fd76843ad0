# Python code that tries to change what Mbed TLS is using gets a clear exception, never a
# crash (found by an attacker's review):
# - sni_callback switching SSLSocket.context twice (Mbed TLS would serve the first context's
#   certificate after that context was let go): ValueError at the second switch;
# - the ecdsa_sign_callback of the context sni_callback switched to, reloading that context's
#   key while Mbed TLS signs with it: RuntimeError (the context is busy), and what the callback
#   raised fails that connection, not a later one of the same context;
# - a filesystem written in Python whose open() returns no stream, as a cafile: OSError.
import os
import ssl
from _inmemory import TLS13, client_context, data, pair, server_context, transfer


def handshake(server_ctx):
    client, server = pair(client_context(TLS13, verify=False), server_ctx)
    try:
        transfer(client, server, b"x")
        return "ok"
    except Exception as e:
        return "%s %s" % (type(e).__name__, e)
    finally:
        client.close()
        server.close()


other = server_context("server_p384.crt.der", "server_p384.key.der")


def switch_twice(sock, name, ctx):
    sock.context = other
    sock.context = server_context()


first = server_context()
first.sni_callback = switch_twice
print("switch twice:", handshake(first))

switched_to = server_context()
raised = []


def sign(key, digest):
    try:
        switched_to.load_cert_chain(data("server_p384.crt.der"), data("server_p384.key.der"))
        print("  reload inside the sign callback: allowed")
    except RuntimeError as e:
        print("  reload inside the sign callback:", e)
    if not raised:
        raised.append(1)
        raise OSError("secure element offline")
    return None


switched_to.ecdsa_sign_callback = sign


def switch(sock, name, ctx):
    sock.context = switched_to


first = server_context()
first.sni_callback = switch
print("sign callback of the switched-to context:", handshake(first))
print("that context's next connection:", handshake(switched_to))


class NoStream:
    pass


class PythonFilesystem:
    def mount(self, readonly, mkfs):
        pass

    def umount(self):
        pass

    def open(self, path, mode):
        return NoStream()

    def stat(self, path):
        return (0x8000, 0, 0, 0, 0, 0, 100, 0, 0, 0)


os.mount(PythonFilesystem(), "/pyfs")
try:
    ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile="/pyfs/ca.pem")
    print("cafile that opens as no stream: loaded")
except OSError as e:
    print("cafile that opens as no stream: OSError", e)
os.umount("/pyfs")
