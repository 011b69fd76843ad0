# Connects to the documentation's server example (port 8443), verifying its
# certificate, and shows what was negotiated.
import socket
import ssl

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.verify_mode = ssl.CERT_REQUIRED
ctx.load_verify_locations(cafile="ca.der")

sock = socket.socket()
sock.connect(socket.getaddrinfo("example.com", 8443)[0][-1])
ssock = ctx.wrap_socket(sock, server_hostname="example.com")
name, version, bits = ssock.cipher()
print("protocol:", version)
print("cipher:  ", name, "(%d-bit)" % bits)
subject = ssock.getpeercert()["subject"]
print("server:  ", ", ".join("%s=%s" % pair for rdn in subject for pair in rdn))
print("received:", ssock.read())
ssock.close()
