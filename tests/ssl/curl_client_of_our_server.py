# curl (Debian's package, run by the harness's s_client service) fetches https://localhost/ from
# our server: TLS 1.2 and 1.3, ALPN (curl offers h2 and http/1.1, we choose http/1.1; a client
# offering only what we do not speak is refused with no_application_protocol, RFC 7301), and
# client certificates our CERT_REQUIRED server verifies.
import ssl

from _common import data, describe, listen, path, s_client, s_client_result, server_context

BODY = b"hello curl\n"
CASES = (
    ("curl_tls12_http11", ["http/1.1"], None),
    ("curl_tls13_alpn_h2_or_http11", ["http/1.1"], None),
    ("curl_tls13_alpn_h2_or_http11", None, None),
    ("curl_tls13_cert_ec", ["http/1.1"], "client_ec"),
    ("curl_tls12_cert_rsa", ["http/1.1"], "client_rsa"),
    ("curl_tls12_http11", ["h2"], None),
)


def serve(variant, protocols, client):
    ctx = server_context()
    if protocols:
        ctx.set_alpn_protocols(protocols)
    if client:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cafile=path("ca.crt.pem"))
    lsock, port = listen()
    ticket = s_client(variant, port)
    conn, _ = lsock.accept()
    try:
        s = ctx.wrap_socket(conn, server_side=True)
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = s.recv(1024)
            if not chunk:
                break
            request += chunk
        s.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(BODY) + BODY)
        cert = s.getpeercert(True)
        ours = (s.version(), s.selected_alpn_protocol(), request.split(b"\r\n")[0], cert == data(client + ".crt.der") if client else cert)
        s.close()
    except Exception as e:
        conn.close()
        ours = describe(e) + " " + type(e).__name__
    lsock.close()
    theirs = s_client_result(ticket)
    print(variant, protocols, "ours:", ours)
    print("  curl:", theirs.get("rc"), theirs.get("received"), theirs.get("ssl_connection_using"), theirs.get("alpn"), theirs.get("error"))


for case in CASES:
    serve(*case)
