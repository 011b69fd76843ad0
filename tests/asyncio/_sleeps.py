# Helpers of the tests in tests/asyncio (their MicroPython side).
import select


def sleeps():
    # How many times this process has blocked so far (Linux's count of voluntary context
    # switches): each wait of a system poll() that found nothing ready is one. A structural
    # measure of waiting, which load does not change much, unlike time.
    with open("/proc/self/status") as f:
        for line in f.read().split("\n"):
            if line.startswith("voluntary_ctxt_switches:"):
                return int(line.split()[1])
    raise OSError("no voluntary_ctxt_switches in /proc/self/status")


def wait(s, events):
    # select.poll() on s alone for events, 10 s at most: (events reported, times slept).
    p = select.poll()
    p.register(s, events)
    before = sleeps()
    ready = p.poll(10000)
    slept = sleeps() - before
    p.unregister(s)
    return (ready[0][1] if ready else 0), slept
