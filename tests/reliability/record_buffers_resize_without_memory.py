# After the handshake a connection's record buffers change size with the data: the output
# buffer grows for a large write (patches/mbedtls/0017) and the input buffer for a large
# record (0015), each giving the other its room back when both would not fit. Here the client
# asks for no max_fragment_length, sends 40 kB and gets 40 kB back, and each TLS allocation
# those transfers make is made to fail in turn. An output buffer that cannot grow means
# smaller records (the data arrives intact; the module forgives the failure), one that cannot
# shrink stays as it is; an input buffer that cannot grow for a record the peer sent is out of
# memory (OSError ENOMEM, on the side that read). Every run frees every allocation, and the
# fault-free run at the end moves the data in as many allocations as before.
from errno import ENOMEM
import _mpssl_testing
from _inmemory import TLS12, TLS13, client_context, live, pair, server_context, transfer

BLOCK = bytes(range(256)) * 160  # 40 kB
SERVER = server_context()


def both_ways(n, suite):
    # (outcome, allocations the transfers made, failures forgiven) with the transfers' n-th
    # TLS allocation failing (0: none).
    ctx = client_context(suite)
    ctx.max_fragment_length = None
    client, server = pair(ctx, SERVER)
    try:
        transfer(client, server, b"hi")
        transfer(server, client, b"ok")
        start = _mpssl_testing.allocations()
        forgiven = _mpssl_testing.forgiven_allocations()
        _mpssl_testing.fail_allocation_after(n)
        try:
            intact = transfer(client, server, BLOCK) == BLOCK and transfer(server, client, BLOCK) == BLOCK
            outcome = "intact" if intact else "corrupted"
        except OSError as e:
            outcome = "ENOMEM" if e.errno == ENOMEM else "OSError %r" % (e.args,)
        except Exception as e:
            outcome = "%s %r" % (type(e).__name__, e.args)
        _mpssl_testing.fail_allocation_after(0)
        return outcome, _mpssl_testing.allocations() - start, _mpssl_testing.forgiven_allocations() - forgiven
    finally:
        client.close()
        server.close()


for label, suite in (("TLS 1.2", TLS12), ("TLS 1.3", TLS13)):
    start = live()
    _, made, _ = both_ways(0, suite)
    print(label, "transfers allocate", made)
    for n in range(1, made + 1):
        outcome, _, forgiven = both_ways(n, suite)
        print(" allocation", n, "fails:", outcome + (", forgiven" if forgiven else ""))
    print(" all freed:", live() == start)
    print(" then as before:", both_ways(0, suite)[:2] == ("intact", made))
