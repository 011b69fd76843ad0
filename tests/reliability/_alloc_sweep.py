# Helper of the alloc_failure_tls1*_every_step_raises_enomem tests (one per TLS version, so
# that each stays well inside the test runner's 30 s limit on the sanitizer build in CI, where
# other jobs share the CPU): sweep(label, suite, resume) makes the Nth TLS allocation fail, for
# N across a whole connection (both wraps, the handshake, data both ways, close) of that
# version, full or resumed (the client offering a session: its copy, the server opening its
# ticket and issuing a new one), and prints whether every run ended in MemoryError or
# OSError(ENOMEM) raised by the side whose allocation failed (never another error, a hang or a
# crash) or, where the allocation was the smaller copy of a record buffer as the handshake
# ends or the state to parse a TLS 1.3 ticket, carried on as it should (with the larger
# buffer, without the ticket; the module says so: forgiven), every
# TLS allocation was given back once both sockets were closed, and a normal connection right
# after succeeded. export_without_memory(suite): exporting a session that
# cannot be copied raises OSError(ENOMEM), and the next try works.
#
# The tests try every N up to DENSE, then every STRIDE-th, then the last few N of the
# connection. MPSSL_ALLOC_SWEEP=full (make alloc-sweep-full) tries every N; the output is the
# same.
import os
from errno import ENOMEM
import _mpssl_testing
from _inmemory import client_context, exchange, live, pair, server_context, transfer, Stalled

FULL = os.getenv("MPSSL_ALLOC_SWEEP") == "full"
DENSE = 200
STRIDE = 97
TAIL = 40
RECOVERY_EVERY = 1 if FULL else 10  # N between checks that a normal connection works

SERVER = server_context()


def outcome(client_ctx, n, session, server_ctx=SERVER):
    # What connection number n's failed allocation caused: "enomem", "completed" (n is past the
    # connection's last allocation), "survived" (a record buffer stayed at its size, a ticket
    # was passed over), or a description of anything else.
    start = _mpssl_testing.allocations()
    forgiven = _mpssl_testing.forgiven_allocations()
    _mpssl_testing.fail_allocation_after(n)
    try:
        delivered = exchange(client_ctx, server_ctx, session=session) - start
        # Allocation counts vary by a few between connections (random values of varying size):
        # completing is right if the connection made fewer than n allocations, or if the
        # failure came only in close(), after the data had arrived: close is best effort (its
        # close_notify may not go out) and must only free everything, which is checked below.
        made = _mpssl_testing.allocations() - start
        if made < n or delivered < n:
            result = "completed"
        elif _mpssl_testing.forgiven_allocations() > forgiven:
            result = "survived"
        else:
            result = "no error"
    except MemoryError:
        result = "enomem"
    except OSError as e:
        result = "enomem" if e.errno == ENOMEM else "OSError %r" % (e.args,)
    except Stalled as e:
        result = "hang (%s)" % e
    except Exception as e:
        result = "%s %r" % (type(e).__name__, e.args)
    _mpssl_testing.fail_allocation_after(0)
    return result


def sweep(label, suite, resume=False, contexts=None):
    # contexts: (client, server) to use instead of the suite's client and SERVER.
    client_ctx, server_ctx = contexts or (client_context(suite), SERVER)
    kept = []
    # Warm up: first-use allocations (PSA, RNG) happen once. With resume, the session to offer
    # comes from it.
    exchange(client_ctx, server_ctx, keep=kept if resume else None)
    session = kept[0] if kept else None
    kept = None
    base = live()
    before = _mpssl_testing.allocations()
    exchange(client_ctx, server_ctx, session=session)
    total = _mpssl_testing.allocations() - before
    if FULL:
        points = list(range(1, total + 1))
    else:
        points = sorted(
            set(range(1, DENSE + 1)) | set(range(DENSE, total, STRIDE)) | set(range(total - TAIL, total + 1))
        )
    problems = []
    for i, n in enumerate(points):
        result = outcome(client_ctx, n, session, server_ctx)
        if result not in ("enomem", "survived") and not (result == "completed" and n > total - TAIL):
            problems.append("N=%d: %s" % (n, result))
        leaked = live() - base
        if leaked:
            problems.append("N=%d: %d allocations not freed" % (n, leaked))
            base += leaked
        if i % RECOVERY_EVERY == 0 or i == len(points) - 1:
            try:
                exchange(client_ctx, server_ctx, session=session)
            except Exception as e:
                problems.append("N=%d: the next connection failed: %s %r" % (n, type(e).__name__, e.args))
    # Well past the last allocation, nothing fails.
    if outcome(client_ctx, total + TAIL, session, server_ctx) != "completed":
        problems.append("N=%d (past the end): did not complete" % (total + TAIL))
    print(label, "allocations per connection > 50:", total > 50)
    print(label, "every run ended in ENOMEM, freed everything, recovered:", not problems)
    for p in problems[:20]:
        print("  ", p)
    if os.getenv("MPSSL_ALLOC_SWEEP_VERBOSE"):
        print(label, "allocations per connection:", total, "runs:", len(points))


def export_without_memory(suite):
    # client.session when the session's copy cannot be allocated, then again.
    client, server = pair(client_context(suite), SERVER)
    try:
        transfer(client, server, b"ping")
        transfer(server, client, b"pong")
        _mpssl_testing.fail_allocation_after(1)
        try:
            first = type(client.session).__name__
        except MemoryError:
            first = "MemoryError"
        except OSError as e:
            first = "ENOMEM" if e.errno == ENOMEM else "OSError %r" % (e.args,)
        _mpssl_testing.fail_allocation_after(0)
        return first, type(client.session).__name__
    finally:
        _mpssl_testing.fail_allocation_after(0)
        client.close()
        server.close()

