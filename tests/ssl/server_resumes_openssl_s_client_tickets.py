# Our server issues session tickets that openssl s_client resumes with, TLS 1.2 and TLS 1.3:
# s_client saves the session of a first connection and offers it to a second, and both ends
# report the second as resumed. A ticket with one byte changed is refused: the second handshake
# is a full one, and both ends say so. A server has no session to export (None).
from _common import describe, listen, s_client, s_client_result, server_context


def serve(variant):
    ctx = server_context()
    lsock, port = listen()
    ticket = s_client(variant, port)
    ours = []
    for _ in range(2):
        conn, _ = lsock.accept()
        try:
            s = ctx.wrap_socket(conn, server_side=True)
            line = s.readline()
            s.write(b"ack: " + line)
            ours.append((s.cipher()[1], s.session_reused, s.session))
            s.close()
        except Exception as e:
            conn.close()
            ours.append(describe(e))
    lsock.close()
    theirs = s_client_result(ticket)
    print(variant, "ours:", ours)
    acked = [b"ack: hello from s_client" in out for out in theirs.get("received", ())]
    print("  s_client:", theirs.get("rc"), theirs.get("reused"), acked, theirs.get("error"))


for variant in ("tls12_resume", "tls13_resume", "tls12_tampered", "tls13_tampered"):
    serve(variant)
