# A server_hostname longer than a DNS name can be (255 bytes) raises a ValueError that says so,
# before anything is allocated. (Mbed TLS refused it and the user got OSError(-28928, 'SSL - Bad
# input parameters to function'), which says nothing of the name.) 255 bytes are accepted.
import ssl
from _safety import TLS13, client_context, live, baseline
import _mpssl_testing

start = baseline()


def wrap(length):
    s = client_context(TLS13).wrap_socket(_mpssl_testing.pipe()[0], server_hostname="a" * length, do_handshake_on_connect=False)
    s.close()


for length in (255, 256, 300, 5000):
    try:
        wrap(length)
        print(length, "accepted")
    except Exception as e:
        print(length, type(e).__name__, "names server_hostname:", "server_hostname" in str(e), "| says 255:", "255" in str(e))
print("TLS allocations left:", live() - start)
