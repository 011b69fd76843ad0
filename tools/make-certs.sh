#!/usr/bin/env bash
# Create the certificates and keys the tests use (openssl CLI only, OpenSSL 3.0 compatible).
#
# usage: tools/make-certs.sh [OUTDIR]      (default: build/certs)
#
# Idempotent: OUTDIR/.stamp holds a checksum of this script; when it matches, nothing is done.
# A new set is made in a scratch directory and moved into place when complete.
# Private keys are throw-away test keys and live only under build/ (git-ignored).
#
# Files (NAME.crt.pem / NAME.crt.der is the certificate, NAME.key.pem / NAME.key.der the key
# in its traditional format: SEC1 for EC, PKCS#1 for RSA; NAME.p8.pem / NAME.p8.der the same
# key as unencrypted PKCS#8):
#   ca               test CA, EC P-256, subject C=AU/O=mpssl/CN=mpssl test CA
#   unknown_ca       an unrelated CA, EC P-256
#   inter_ca         intermediate CA signed by ca
#   server_ec        localhost + IP 127.0.0.1, EC P-256, signed by ca
#   server_p384      same, EC P-384
#   server_rsa       same, RSA-2048
#   server_rsa4096   same, RSA-4096
#   server_chain     localhost leaf signed by inter_ca; server_chain.chain.pem / .chain.der
#                    hold leaf then inter_ca (PEM blocks / concatenated DER)
#   server_expired   valid 2020-01-01 .. 2021-01-01
#   server_future    valid 2040-01-01 .. 2045-01-01
#   server_wronghost CN and SAN wronghost.example
#   server_unknownca signed by unknown_ca
#   client_ec, client_rsa, client_unknownca   client certificates (CN=mpssl client ...)
#   client_rsa4096   client certificate, RSA-4096, signed by inter_ca; client_rsa4096.chain.pem
#                    holds it, inter_ca and ca (three certificates)
#   cas.pem / cas.der        bundle: unknown_ca then ca (PEM blocks / concatenated DER)
#   pathlen_only     end-entity certificate signed by ca whose basicConstraints holds only a
#                    pathLenConstraint (SEQUENCE { INTEGER 1 }: cA is FALSE), no keyUsage
#   forged_server, forged_client   example.com server / client certificates signed by
#                    pathlen_only (CVE-2026-49300); NAME.chain.pem holds leaf then pathlen_only
#   inter_sha224     intermediate CA that ca signed with ecdsa-with-SHA224; server_sha224 a
#                    localhost leaf it signed (SHA-256); server_sha224.chain.pem leaf then it
#   server_rsa1024   localhost, RSA-1024, signed by ca
#   inter_p521       intermediate CA with an EC P-521 key, signed by ca; server_p521 a localhost
#                    leaf (P-256) it signed; server_p521.chain.pem leaf then it
# Trust store cases (tests/ssl/_trust_cases.py):
#   sha1_root        RSA-2048 root CA self-signed with sha1WithRSAEncryption; server_sha1root a
#                    localhost leaf it signed with SHA-256
#   sha1_constrained_root, sha1_nosign_root   SHA-1 self-signed roots with a critical
#                    nameConstraints (permitted DNS:allowed.example) and with a keyUsage
#                    without keyCertSign; server_sha1constrained, server_sha1nosign localhost
#                    leaves each signed (an anchor made of name and key would drop both limits)
#   pub_root         RSA-4096 root CA; pub_inter a P-384 intermediate it signed (SHA-384);
#                    pub_server a P-256 leaf pub_inter signed, SAN DNS:www.example.test,
#                    DNS:*.example.test, IP:127.0.0.1; pub_server.chain.pem leaf then pub_inter,
#                    pub_server.fullchain.pem leaf, pub_inter and pub_root
#   old_root, new_root   two self-signed root CAs (P-256); new_root_cross new_root's subject and
#                    key signed by old_root; cross_server a localhost leaf new_root signed;
#                    cross_server.chain.pem leaf then new_root_cross
set -euo pipefail

out=$(realpath -m "${1:-build/certs}")
stamp=$(sha256sum "$0" | cut -d' ' -f1)
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ]; then
    exit 0
fi
work="$out.new.$$"
trap 'rm -rf "$work"' EXIT
rm -rf "$work"
mkdir -p "$work/.ca"
cd "$work"

# Validity windows (UTCTime, all before 2050).
now_start=$(date -u -d '1 day ago' +%y%m%d%H%M%SZ)
now_end=$(date -u -d '+10 years' +%y%m%d%H%M%SZ)

cat > .ca/ca.cnf <<'EOF'
[ ca ]
default_ca = testca
[ testca ]
dir = .ca
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
[ policy_any ]
countryName = optional
organizationName = optional
commonName = supplied
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ constrained_ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
nameConstraints = critical, permitted;DNS:allowed.example
[ nosign_ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature
[ inter_ext ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ pub_server_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.test, DNS:*.example.test, IP:127.0.0.1
[ server_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
[ wronghost_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wronghost.example
[ client_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
[ pathlen_only_ext ]
basicConstraints = DER:30:03:02:01:01
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:pathlen-only.example
[ forged_server_ext ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:example.com
EOF
: > .ca/index.txt

# key NAME TYPE: NAME.key.{pem,der} (SEC1 / PKCS#1) and NAME.p8.{pem,der} (PKCS#8)
key() {
    local name=$1 type=$2
    case "$type" in
        ec256) openssl ecparam -name prime256v1 -genkey -noout -out "$name.key.pem" ;;
        ec384) openssl ecparam -name secp384r1 -genkey -noout -out "$name.key.pem" ;;
        ec521) openssl ecparam -name secp521r1 -genkey -noout -out "$name.key.pem" ;;
        rsa*) openssl genrsa -traditional -out "$name.key.pem" "${type#rsa}" 2>/dev/null ;;
    esac
    case "$type" in
        ec*) openssl ec -in "$name.key.pem" -outform DER -out "$name.key.der" 2>/dev/null ;;
        rsa*) openssl rsa -in "$name.key.pem" -traditional -outform DER -out "$name.key.der" 2>/dev/null ;;
    esac
    openssl pkcs8 -topk8 -nocrypt -in "$name.key.pem" -out "$name.p8.pem"
    openssl pkcs8 -topk8 -nocrypt -in "$name.key.pem" -outform DER -out "$name.p8.der"
}

# cert NAME TYPE SUBJECT ISSUER EXT [START END]: key + certificate signed by ISSUER
# (ISSUER "self" makes a self-signed CA), with the hash MD (default sha256).
cert() {
    local name=$1 type=$2 subj=$3 issuer=$4 ext=$5 start=${6:-$now_start} end=${7:-$now_end}
    local signer=(-cert "$issuer.crt.pem" -keyfile "$issuer.key.pem")
    key "$name" "$type"
    openssl req -new -key "$name.key.pem" -subj "$subj" -out ".ca/$name.csr"
    [ "$issuer" = self ] && signer=(-selfsign -keyfile "$name.key.pem")
    openssl ca -batch -notext -config .ca/ca.cnf -rand_serial "${signer[@]}" -md "${MD:-sha256}" \
        -extensions "$ext" -startdate "$start" -enddate "$end" \
        -in ".ca/$name.csr" -out "$name.crt.pem" 2>.ca/log || { cat .ca/log >&2; exit 1; }
    openssl x509 -in "$name.crt.pem" -outform DER -out "$name.crt.der"
}

cert ca ec256 "/C=AU/O=mpssl/CN=mpssl test CA" self ca_ext
cert unknown_ca ec256 "/O=elsewhere/CN=unknown test CA" self ca_ext
cert inter_ca ec256 "/O=mpssl/CN=mpssl intermediate CA" ca inter_ext

cert server_ec ec256 "/O=mpssl/CN=localhost" ca server_ext
cert server_p384 ec384 "/O=mpssl/CN=localhost" ca server_ext
cert server_rsa rsa2048 "/O=mpssl/CN=localhost" ca server_ext
cert server_rsa4096 rsa4096 "/O=mpssl/CN=localhost" ca server_ext
cert server_chain ec256 "/O=mpssl/CN=localhost" inter_ca server_ext
cert server_expired ec256 "/O=mpssl/CN=localhost" ca server_ext 200101000000Z 210101000000Z
cert server_future ec256 "/O=mpssl/CN=localhost" ca server_ext 400101000000Z 450101000000Z
cert server_wronghost ec256 "/O=mpssl/CN=wronghost.example" ca wronghost_ext
cert server_unknownca ec256 "/O=mpssl/CN=localhost" unknown_ca server_ext

cert client_ec ec256 "/O=mpssl/CN=mpssl client ec" ca client_ext
cert client_rsa rsa2048 "/O=mpssl/CN=mpssl client rsa" ca client_ext
cert client_rsa4096 rsa4096 "/O=mpssl/CN=mpssl client rsa4096" inter_ca client_ext
cert client_unknownca ec256 "/O=elsewhere/CN=mpssl client unknown" unknown_ca client_ext

cert pathlen_only ec256 "/O=mpssl/CN=pathlen-only.example" ca pathlen_only_ext
cert forged_server ec256 "/O=impostor/CN=example.com" pathlen_only forged_server_ext
cert forged_client ec256 "/O=impostor/CN=mpssl client ec" pathlen_only client_ext
MD=sha224 cert inter_sha224 ec256 "/O=mpssl/CN=mpssl SHA-224 intermediate CA" ca inter_ext
cert server_sha224 ec256 "/O=mpssl/CN=localhost" inter_sha224 server_ext
cert server_rsa1024 rsa1024 "/O=mpssl/CN=localhost" ca server_ext
cert inter_p521 ec521 "/O=mpssl/CN=mpssl P-521 intermediate CA" ca inter_ext
cert server_p521 ec256 "/O=mpssl/CN=localhost" inter_p521 server_ext

MD=sha1 cert sha1_root rsa2048 "/O=mpssl/CN=mpssl SHA-1 root" self ca_ext
cert server_sha1root ec256 "/O=mpssl/CN=localhost" sha1_root server_ext
MD=sha1 cert sha1_constrained_root rsa2048 "/O=mpssl/CN=mpssl SHA-1 constrained root" self constrained_ca_ext
cert server_sha1constrained ec256 "/O=mpssl/CN=localhost" sha1_constrained_root server_ext
MD=sha1 cert sha1_nosign_root rsa2048 "/O=mpssl/CN=mpssl SHA-1 root without keyCertSign" self nosign_ca_ext
cert server_sha1nosign ec256 "/O=mpssl/CN=localhost" sha1_nosign_root server_ext
MD=sha384 cert pub_root rsa4096 "/C=AU/O=mpssl/CN=mpssl public-shaped root R1" self ca_ext
MD=sha384 cert pub_inter ec384 "/C=AU/O=mpssl/CN=mpssl public-shaped issuing CA E1" pub_root inter_ext
MD=sha384 cert pub_server ec256 "/CN=www.example.test" pub_inter pub_server_ext
cert old_root ec256 "/O=mpssl/CN=mpssl old root X1" self ca_ext
cert new_root ec256 "/O=mpssl/CN=mpssl new root X2" self ca_ext
openssl ca -batch -notext -config .ca/ca.cnf -rand_serial -cert old_root.crt.pem -keyfile old_root.key.pem \
    -md sha256 -extensions ca_ext -startdate "$now_start" -enddate "$now_end" \
    -in .ca/new_root.csr -out new_root_cross.crt.pem 2>.ca/log || { cat .ca/log >&2; exit 1; }
cert cross_server ec256 "/O=mpssl/CN=localhost" new_root server_ext

cat server_chain.crt.pem inter_ca.crt.pem > server_chain.chain.pem
cat pub_server.crt.pem pub_inter.crt.pem > pub_server.chain.pem
cat pub_server.crt.pem pub_inter.crt.pem pub_root.crt.pem > pub_server.fullchain.pem
cat client_rsa4096.crt.pem inter_ca.crt.pem ca.crt.pem > client_rsa4096.chain.pem
cat cross_server.crt.pem new_root_cross.crt.pem > cross_server.chain.pem
for leaf in forged_server:pathlen_only forged_client:pathlen_only server_sha224:inter_sha224 \
    server_p521:inter_p521; do
    cat "${leaf%:*}.crt.pem" "${leaf#*:}.crt.pem" > "${leaf%:*}.chain.pem"
done
cat server_chain.crt.der inter_ca.crt.der > server_chain.chain.der
cat unknown_ca.crt.pem ca.crt.pem > cas.pem
cat unknown_ca.crt.der ca.crt.der > cas.der

rm -rf .ca
echo "$stamp" > .stamp
cd ..
rm -rf "$out"
mv "$work" "$out"
echo "make-certs: wrote $out"
