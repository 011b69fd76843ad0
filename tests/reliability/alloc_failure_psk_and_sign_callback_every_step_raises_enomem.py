# As alloc_failure_tls1*_every_step_raises_enomem, for what issue 19 added: every TLS
# allocation of a whole pre-shared-key connection (TLS 1.2 plain PSK and ECDHE-PSK, TLS 1.3
# external PSK; the server looking the identity up in Python) made to fail in turn, and of a
# certificate connection whose server key signs through ecdsa_sign_callback (answering None:
# Mbed TLS signs behind our signing method). Each run ends in MemoryError or OSError(ENOMEM), frees
# everything, and the next connection works.
import ssl
from _alloc_sweep import sweep
from _inmemory import TLS12, TLS13, client_context, server_context

KEY = bytes(range(16))


class Keys:
    def get(self, identity):
        return KEY if identity == b"dev1" else None


def psk_contexts(suite):
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.verify_mode = ssl.CERT_NONE
    client.psk_identity = "dev1"
    client.psk_key = KEY
    client.set_ciphers([suite])
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.server_psk_keys = Keys()
    return client, server


for suite in ("TLS_PSK_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", TLS13):
    sweep("PSK " + suite, suite, contexts=psk_contexts(suite))

server = server_context()
server.ecdsa_sign_callback = lambda key, digest: None
sweep("ecdsa_sign_callback None", TLS12, contexts=(client_context(TLS12), server))
