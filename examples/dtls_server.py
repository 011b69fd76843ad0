# A DTLS echo server following the documentation's HelloVerify dance, serving
# many clients at the same time in one thread with select.poll.
#
# Every client gets its own UDP socket on the same port (SO_REUSEADDR): the
# unconnected socket that receives a new client's first datagram is connected
# back to that client and wrapped, and a fresh unconnected socket takes its
# place. The kernel hands a connected socket its own client's datagrams and
# every other datagram to the unconnected one. The fresh socket is bound
# before the old one is connected: were no unconnected socket on the port, a
# new client's datagram would get an ICMP "port unreachable" back and its
# handshake would fail with ECONNREFUSED. (A datagram of another client that
# was already queued on the old socket goes to the wrong session, which drops
# it, and a client's retry that reaches its socket just before that socket is
# closed after "Hello Verify Required" is lost with it: either client resends
# on its retransmission timer, a second later.)
#
# Handshakes run non-blocking and interleaved: the first recv() of a wrapped
# socket raises "Hello Verify Required" (the client's retry reaches the fresh
# socket), later ones return None until the handshake is through, and poll()
# wakes the loop for every datagram and every retransmission that is due. A
# client that vanishes mid-handshake ends with OSError(ETIMEDOUT) after about
# 15 s; one that goes quiet after its handshake is dropped after idle_s.
#   micropython dtls_server.py [port]   (needs server.der / server.key, as the TLS example)
import select
import socket
import ssl
import sys
import time


def bound_socket(host, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(socket.getaddrinfo(host, port)[0][-1])
    return sock


def serve(ctx, host, port, clients=0, idle_s=60, log=print, ready=None):
    # Echoes every record back to its sender. Returns once `clients` clients
    # (0: never) have been served: a client is served when it has sent data
    # and then closed, failed or stayed quiet for idle_s. log(addr, error)
    # hears of every failed attempt but the expected "Hello Verify Required";
    # ready() is called once the port is bound.
    poller = select.poll()
    waiting = bound_socket(host, port)
    poller.register(waiting, select.POLLIN)
    if ready:
        ready()
    conns = {}  # SSLSocket -> [client address, time of its last record or None]
    served = 0

    def end(conn):
        nonlocal served
        poller.unregister(conn)
        conn.close()
        if conns.pop(conn)[1] is not None:
            served += 1

    while not clients or served < clients:
        for obj, _ in poller.poll(500):
            if obj is waiting:
                _, addr = waiting.recvfrom(1, socket.MSG_PEEK)
                fresh = bound_socket(host, port)
                waiting.connect(addr)
                waiting.setblocking(False)
                conn = ctx.wrap_socket(waiting, server_side=True, client_id=repr(addr).encode(),
                                       do_handshake_on_connect=False)
                poller.unregister(waiting)
                poller.register(conn, select.POLLIN)
                conns[conn] = [addr, None]
                waiting = fresh
                poller.register(waiting, select.POLLIN)
                continue
            try:
                data = obj.recv(1500)
                if data:
                    obj.send(data)
                    conns[obj][1] = time.time()
            except OSError as e:
                if "Hello Verify" not in str(e):
                    log(conns[obj][0], e)
                end(obj)
                continue
            if data == b"":  # close_notify
                end(obj)
        for conn, (_, last) in list(conns.items()):
            if last is not None and time.time() - last > idle_s:
                end(conn)
    for conn in list(conns):
        end(conn)
    poller.unregister(waiting)
    waiting.close()


if __name__ == "__main__":
    ctx = ssl.SSLContext(ssl.PROTOCOL_DTLS_SERVER)
    ctx.load_cert_chain("server.der", "server.key")
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 4433
    serve(ctx, "0.0.0.0", port, ready=lambda: print("DTLS echo server on port", port))
