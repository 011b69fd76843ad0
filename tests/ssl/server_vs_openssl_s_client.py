# Our server completes handshakes with openssl s_client (run by the harness on request): TLS 1.2
# and 1.3, EC and RSA certificates, a chain through an intermediate CA, and client certificates
# under CERT_REQUIRED. s_client verifies us against the test CA and reports what it negotiated
# and received; a missing or untrusted client certificate is refused by our server. In TLS 1.3
# our server grants s_client's max_fragment_length request (patches/mbedtls/0016): a 3 kB reply
# reaches s_client in 512-byte records (OpenSSL refuses larger ones once granted), and the
# connection's buffers shrink to that size.
import gc
import ssl
from _common import data, describe, listen, peercert, s_client, s_client_result, server_context


def serve(variant, ctx, client_cert=None):
    lsock, port = listen()
    ticket = s_client(variant, port)
    conn, _ = lsock.accept()
    lsock.close()
    try:
        s = ctx.wrap_socket(conn, server_side=True)
        line = s.readline()
        s.write(b"ack: " + line)
        ours = s.cipher()
        if client_cert:
            ours = ours, s.getpeercert(True) == data(client_cert + ".crt.der")
            ours += (s.getpeercert()["subject"] == peercert(client_cert)["subject"],)
        s.close()
    except Exception as e:
        conn.close()
        ours = describe(e)
    theirs = s_client_result(ticket)
    print(variant, "ours:", ours)
    if isinstance(ours, str):  # we refused: s_client must not have got any data
        print("  s_client got no data:", theirs["received"] == b"")
    else:
        fields = ("rc", "protocol_version", "ciphersuite", "verification", "received")
        print("  s_client:", [theirs.get(k) for k in fields])


EC = ("server_ec.crt.pem", "server_ec.key.pem")
RSA = ("server_rsa.crt.der", "server_rsa.p8.der")
CHAIN = ("server_chain.chain.pem", "server_chain.key.pem")

serve("tls12_chacha", server_context(*EC))
serve("tls12_rsa_aes128gcm", server_context(*RSA))
serve("tls13_aes128", server_context(*EC))
serve("tls13_aes128", server_context(*CHAIN))
serve("tls13_cert_ec", server_context(*EC, mode=ssl.CERT_REQUIRED), "client_ec")
serve("tls12_cert_rsa", server_context(*RSA, mode=ssl.CERT_REQUIRED), "client_rsa")
serve("tls13_cert_unknownca", server_context(*EC, mode=ssl.CERT_REQUIRED))
serve("tls13", server_context(*EC, mode=ssl.CERT_REQUIRED))
serve("tls12", server_context(*EC, mode=ssl.CERT_REQUIRED))


def serve_long_reply(variant, ctx):
    # (heap the connection keeps once a 3 kB reply is written, what s_client reported)
    lsock, port = listen()
    ticket = s_client(variant, port)
    conn, _ = lsock.accept()
    lsock.close()
    gc.collect()
    before = gc.mem_alloc()
    s = ctx.wrap_socket(conn, server_side=True)
    line = s.readline()
    s.write(line * 150)
    gc.collect()
    heap = gc.mem_alloc() - before
    s.close()
    return heap, s_client_result(ticket)


plain_heap, plain = serve_long_reply("tls13", server_context(*EC))
small_heap, small = serve_long_reply("tls13_mfl512", server_context(*EC))
for name, theirs in (("tls13", plain), ("tls13_mfl512", small)):
    print(name, "3 kB reply:", theirs.get("rc"), theirs.get("protocol_version"),
          theirs.get("received") == b"hello from s_client\n" * 150)
print("granted 512: at least 3 kB less heap:", plain_heap - small_heap >= 3000)
