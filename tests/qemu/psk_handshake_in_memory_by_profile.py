# Pre-shared keys on the board, no certificate anywhere: TLS 1.2 with
# TLS_PSK_WITH_AES_128_GCM_SHA256 in every profile (the small one keeps it
# for CoAP and MQTT devices), and TLS 1.3 with an external PSK where the
# profile has TLS 1.3. A wrong key fails the handshake.
import ssl
from mpssl_testpipe import tls_pair, transfer

KEY = bytes(range(16))


def contexts(suite, key=KEY):
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.verify_mode = ssl.CERT_NONE
    client.psk_identity = "board-1"
    client.psk_key = key
    if suite:
        client.set_ciphers([suite])
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.server_psk_keys = {b"board-1": KEY}
    return client, server


full = "TLS_AES_128_GCM_SHA256" in ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).get_ciphers()
for suite in ("TLS_PSK_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256" if full else None):
    client, server = tls_pair(*contexts(suite))
    print(transfer(client, server, b"hello over PSK"))
    print(client.cipher()[0] == (suite or "TLS_PSK_WITH_AES_128_GCM_SHA256"))
    client.close()
    server.close()
client, server = tls_pair(*contexts("TLS_PSK_WITH_AES_128_GCM_SHA256", b"\x01" * 16))
try:
    transfer(client, server, b"never")
except OSError as e:
    print("wrong key: OSError")
client.close()
server.close()
