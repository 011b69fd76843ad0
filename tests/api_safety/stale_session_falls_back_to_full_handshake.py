# A session the context can no longer use is not offered: the handshake is a full one
# (session_reused False) instead of failing. Saved under TLS 1.2, then set_ciphers() switched
# the context to TLS 1.3 suites only, or to another TLS 1.2 suite. With the suite unchanged the
# session is resumed, and a TLS 1.3 session after a switch to TLS 1.2 is a full handshake too.
from _safety import TLS12, TLS13, client_context, server_context, connect, pair

OTHER12 = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"
server_ctx = server_context()


def saved_session(ctx):
    client, server = pair(ctx, server_ctx)
    connect(client, server)
    client.read(0)  # a TLS 1.3 ticket arrives after the handshake
    session = client.session
    client.close()
    server.close()
    return session


def offer(ctx, session):
    client, server = pair(ctx, server_ctx, session=session)
    try:
        result = connect(client, server)
        return "%s, reused %s, cipher %s" % (result, client.session_reused, (client.cipher() or ("-",))[0])
    finally:
        client.close()
        server.close()


for first, then in ((TLS12, TLS12), (TLS12, [TLS13]), (TLS12, [OTHER12]), (TLS12, [TLS13, OTHER12]), (TLS13, [TLS12])):
    ctx = client_context(first)
    session = saved_session(ctx)
    if then != first:
        ctx.set_ciphers(then)
    print(first, "->", then, ":", offer(ctx, session) if session else "no session saved")
