# get_ciphers() gives IANA names; set_ciphers() takes them (or Mbed TLS's
# spelling) and rejects unknown ones without changing the context.
import ssl

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
names = ctx.get_ciphers()
full = "TLS_AES_128_GCM_SHA256" in names
print("IANA names:", all(n.startswith("TLS_") and "-" not in n for n in names))
print("ECDHE-ECDSA AES-128-GCM:", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" in names)
if full:
    expected = {"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}
    print("profile's suites:", expected <= set(names))
else:
    print("profile's suites:", sorted(names) == [
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_PSK_WITH_AES_128_GCM_SHA256"])

ctx.set_ciphers(["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"])
print(ctx.get_ciphers())
ctx.set_ciphers(["TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256"])
print(ctx.get_ciphers())
for bad in (["TLS_NOT_A_SUITE"], [], "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", [1]):
    try:
        ctx.set_ciphers(bad)
    except ValueError as e:
        print("ValueError:", e)
print(ctx.get_ciphers())
