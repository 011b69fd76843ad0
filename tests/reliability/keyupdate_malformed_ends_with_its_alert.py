# A malformed TLS 1.3 KeyUpdate (RFC 8446 4.6.3) ends the connection with the alert the RFC
# names, sent to the peer (not a bare close), and a clear OSError at our end:
# - request_update other than 0 or 1: illegal_parameter (47)
# - a body that is not one byte: decode_error (50)
# - more data after it in the same record (5.1: a key change must end its record), or a
#   KeyUpdate in TLS 1.2: unexpected_message (10)
# Both directions: our client receiving from our server and our server from our client. The
# sender is our own end made hostile by _mpssl_testing.send_handshake (a record of its own,
# sealed under the current keys); the receiver's alert is read back by the sender
# (_mpssl_testing.last_alert).
import _mpssl_testing
from _inmemory import TLS12, TLS13, client_context, pair, server_context, transfer

KEY_UPDATE = b"\x18"
CASES = [
    ("request_update=2", TLS13, KEY_UPDATE + b"\x00\x00\x01\x02"),
    ("request_update=255", TLS13, KEY_UPDATE + b"\x00\x00\x01\xff"),
    ("empty body", TLS13, KEY_UPDATE + b"\x00\x00\x00"),
    ("two-byte body", TLS13, KEY_UPDATE + b"\x00\x00\x02\x00\x00"),
    ("data after it in its record", TLS13, KEY_UPDATE + b"\x00\x00\x01\x00" + KEY_UPDATE + b"\x00"),
    ("in TLS 1.2", TLS12, KEY_UPDATE + b"\x00\x00\x01\x00"),
]


def outcome(f):
    try:
        return "read %r" % (f(),)
    except OSError as e:
        return "OSError %s" % (e.args[1] if len(e.args) > 1 else e.args[0])


for label, suite, message in CASES:
    for hostile in ("server", "client"):
        client, server = pair(client_context(suite), server_context())
        transfer(client, server, b"hello")
        transfer(server, client, b"hello")
        sender, receiver = (server, client) if hostile == "server" else (client, server)
        _mpssl_testing.send_handshake(sender, message)
        print(label, "from our %s:" % hostile)
        print("  receiver:", outcome(lambda: receiver.read(10)))
        print("  sender:", outcome(lambda: sender.read(10)), "alert", _mpssl_testing.last_alert(sender))
        client.close()
        server.close()
