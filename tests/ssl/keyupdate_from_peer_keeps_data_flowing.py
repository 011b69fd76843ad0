# TLS 1.3 KeyUpdate from the peer, mid-stream (patches/mbedtls/0023): the peer moves its write
# keys on and, with update_requested, asks us to move ours; data goes on flowing both ways.
# - openssl s_client against our echo server: "K" (update requested) then "k" (not
#   requested); s_client sees our KeyUpdate after its "K" and the echoes after each.
# - gnutls-cli --rehandshake against our echo server (in TLS 1.3 a KeyUpdate asking for ours).
# - openssl s_server against our client: "K" then "k"; s_server sees our KeyUpdate and our
#   lines; and again with our "two" sealed but held back by a socket that would block when the
#   KeyUpdate arrives: "two" leaves first (old keys), then our KeyUpdate, then "three" (new
#   keys), nothing lost or repeated. The harness scripts each peer (SCRIPTED_PEERS in tools/run-tests.py); a peer's
#   result is how many steps of its script passed. Without the patch our end fails the
#   connection at the first KeyUpdate ("unexpected message").
import socket
import time
from _common import Gate, addr, client_context, describe, listen, s_client, s_client_result, server_context


def echo_server(variant):
    lsock, port = listen()
    ticket = s_client(variant, port)
    conn, _ = lsock.accept()
    lsock.close()
    lines = []
    try:
        s = server_context().wrap_socket(conn, server_side=True)
        while True:
            line = s.readline()
            if not line:
                break
            lines.append(line)
            s.write(line)
        s.close()
        ours = lines
    except Exception as e:
        conn.close()
        ours = (lines, describe(e))
    theirs = s_client_result(ticket)
    print(variant, "our server read:", ours)
    print("  peer: %d of %d steps" % (theirs.get("steps_done", 0), theirs.get("steps", 0)), theirs.get("error"))


def dial_when_listening(port):
    # The scripted s_server takes a moment to listen on port.
    for _ in range(500):
        sock = socket.socket()
        try:
            sock.connect(addr(port))
            return sock
        except OSError:
            sock.close()
            time.sleep(0.02)
    raise OSError("s_server did not listen")


def our_client(variant):
    lsock, port = listen()
    lsock.close()  # s_server binds it
    ticket = s_client(variant, port)
    sock = dial_when_listening(port)
    got = []
    try:
        s = client_context().wrap_socket(sock, server_hostname="localhost")
        for line in (b"one\n", b"two\n", b"three\n"):
            s.write(line)
            if line != b"three\n":
                got.append(s.readline())
        ours = got
    except Exception as e:
        ours = (got, describe(e))
    theirs = s_client_result(ticket)  # s_server ends once it has read "three"
    sock.close()
    print(variant, "our client read:", ours)
    print("  peer: %d of %d steps" % (theirs.get("steps_done", 0), theirs.get("steps", 0)), theirs.get("error"))



def our_client_write_pending(variant):
    # "two" is sealed but cannot leave when s_server's KeyUpdate (update requested) is read:
    # the record goes out first once the socket takes it, then our KeyUpdate, then "three".
    lsock, port = listen()
    lsock.close()
    ticket = s_client(variant, port)
    sock = dial_when_listening(port)
    gate = Gate(sock)
    try:
        s = client_context().wrap_socket(gate, server_hostname="localhost")
        s.write(b"one\n")
        gate.shut = True
        pending = s.write(b"two\n")
        got = s.readline()
        gate.shut = False
        ours = (pending, got, s.write(b"two\n"), s.write(b"three\n"))
    except Exception as e:
        ours = describe(e)
    theirs = s_client_result(ticket)
    sock.close()
    print(variant, "our client (write, read, write again, write):", ours)
    print("  peer: %d of %d steps" % (theirs.get("steps_done", 0), theirs.get("steps", 0)), theirs.get("error"))


echo_server("keyupdate_s_client")
echo_server("rehandshake_gnutls_cli")
our_client("keyupdate_s_server")
our_client_write_pending("keyupdate_s_server_deferred")
