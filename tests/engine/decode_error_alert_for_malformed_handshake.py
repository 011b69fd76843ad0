# A handshake message whose lengths do not add up is answered with a fatal decode_error alert
# (50; RFC 8446 6.2, RFC 5246 7.2.2), by our server and by our client, in TLS 1.2 and 1.3.
# Peers scripted in CPython on raw sockets (instance1) send the malformed message (the
# extensions of a TLS 1.2 hello, or the key_share of a TLS 1.3 hello, run past its end) and
# print the alert that comes back; our end raises an OSError with a message.
import sys

sys.path.append(".")  # run-multitests.py runs tests from this directory
sys.path.append("../ssl")
sys.path.append("../hostile")
from _common import client_context, server_context
from _engine import our_client, our_server, share_ports

SERVER_CASES = ("TLS 1.2 ClientHello, extensions overrun", "TLS 1.3 ClientHello, key_share overruns")
CLIENT_CASES = ("TLS 1.2 ServerHello, extensions overrun", "TLS 1.3 ServerHello, key_share overruns")


def instance0():
    lsock, cport = share_ports(multitest)
    our_server(lsock, server_context(), SERVER_CASES)
    our_client(cport, client_context(), CLIENT_CASES)


def instance1():
    import socket
    from _engine import parse_client_hello, tls13_client_hello, tls13_server_hello
    from _hostile import alert_of, client_hello, peer_listener, read_some, record, recv_record
    from _hostile import server_hello, u16

    def overrun(hello):
        # hello (a handshake message ending with its compression methods) followed by an
        # extensions block that claims 10 bytes and holds 4.
        body = hello[4:] + u16(10) + b"\x00\x17\x00\x00"
        return hello[:1] + len(body).to_bytes(3, "big") + body

    def answer(case, sock, message):
        sock.sendall(record(22, message))
        print(case + ":", "alert", alert_of(read_some(sock)))
        sock.close()

    lsock = peer_listener(multitest, CPORT)
    hellos = (overrun(client_hello(0x0303, (0xC02B,))[5:]), tls13_client_hello(key_share_extra=1))
    for case, hello in zip(SERVER_CASES, hellos):
        answer(case, socket.create_connection(("127.0.0.1", PORT)), hello)
    for case in CLIENT_CASES:
        conn, _ = lsock.accept()
        session_id = parse_client_hello(recv_record(conn))[0]
        if case.startswith("TLS 1.2"):
            answer(case, conn, overrun(server_hello(0x0303)))
        else:
            answer(case, conn, tls13_server_hello(session_id, 65, b"\x04" + bytes(9)))
    lsock.close()
