#!/bin/sh
# scripts/mkcert.sh [--ca] DIR: a certificate and key for the lab's
# TLS (make TLS=1), made with the openssl command.  POSIX sh.
#
#   DIR/cert.pem  the certificate: CN=localhost, names localhost,
#                 127.0.0.1 and ::1 (subjectAltName, RFC 6125 6.4)
#   DIR/key.pem   its private key, no passphrase, mode 0600
#
# Without --ca the certificate is self-signed: a client trusts it with
# --cafile DIR/cert.pem.  With --ca it is signed by a tiny lab CA,
# DIR/ca.pem (its key DIR/ca-key.pem), the way real servers' chains
# work: a client then trusts it with --cafile DIR/ca.pem.
# Messages follow --lang en|tr, else LC_ALL, LC_MESSAGES, LANG.
PROG=mkcert.sh
DAYS=825 # the longest validity macOS accepts for a TLS server certificate
umask 077

lang=${LC_ALL:-${LC_MESSAGES:-${LANG:-en}}}
with_ca=""
while [ $# -gt 0 ]; do
	case $1 in
	--ca) with_ca=1; shift ;;
	--lang) lang=${2:-en}; shift 2 ;;
	--lang=*) lang=${1#--lang=}; shift ;;
	-h|--help) set -- --help; break ;;
	--) shift; break ;;
	-*) set -- --help; break ;;
	*) break ;;
	esac
done
case $lang in tr*) tr=1 ;; *) tr="" ;; esac

say() { if [ -n "$tr" ]; then printf '%s\n' "$2"; else printf '%s\n' "$1"; fi; }
err() { say "$PROG: $1" "$PROG: $2" >&2; }

usage() {
	say "usage: $PROG [--ca] [--lang en|tr] DIR
  makes DIR/cert.pem and DIR/key.pem for localhost (self-signed; with --ca,
  signed by a small lab CA in DIR/ca.pem).  Example:
    $PROG tls && ./smtp_server --tls-cert tls/cert.pem --tls-key tls/key.pem" \
	    "kullanım: $PROG [--ca] [--lang en|tr] DİZİN
  localhost için DİZİN/cert.pem ve DİZİN/key.pem üretir (kendinden imzalı;
  --ca ile DİZİN/ca.pem'deki küçük bir lab CA'sı imzalar).  Örnek:
    $PROG tls && ./smtp_server --tls-cert tls/cert.pem --tls-key tls/key.pem"
}
if [ "$1" = --help ]; then usage; exit 0; fi
if [ $# -ne 1 ]; then usage >&2; exit 64; fi
dir=$1
if ! command -v openssl >/dev/null 2>&1; then
	err "the openssl command is not installed (Debian: apt-get install openssl)" \
	    "openssl komutu kurulu değil (Debian: apt-get install openssl)"
	exit 69
fi
if ! mkdir -p "$dir" 2>/dev/null || [ ! -w "$dir" ]; then
	err "cannot write to $dir" "$dir dizinine yazılamıyor"
	exit 73
fi

# One config file for both kinds: LibreSSL and old OpenSSL lack -addext.
cfg=$(mktemp "${TMPDIR:-/tmp}/mkcert.XXXXXX") || exit 73
trap 'rm -f "$cfg" "$dir/.csr.pem"' EXIT
cat >"$cfg" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = localhost
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
[ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF

quiet() { "$@" >"$cfg.log" 2>&1 || { cat "$cfg.log" >&2; rm -f "$cfg.log"; return 1; }; rm -f "$cfg.log"; }

if [ -z "$with_ca" ]; then
	quiet openssl req -x509 -newkey rsa:2048 -nodes -days "$DAYS" \
	    -config "$cfg" -extensions server \
	    -keyout "$dir/key.pem" -out "$dir/cert.pem" || exit 70
	trust=$dir/cert.pem
else
	quiet openssl req -x509 -newkey rsa:2048 -nodes -days "$DAYS" \
	    -config "$cfg" -extensions ca -subj "/CN=mailab lab CA" \
	    -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" || exit 70
	quiet openssl req -new -newkey rsa:2048 -nodes -config "$cfg" \
	    -keyout "$dir/key.pem" -out "$dir/.csr.pem" || exit 70
	quiet openssl x509 -req -in "$dir/.csr.pem" -days "$DAYS" \
	    -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" \
	    -set_serial "0x$(openssl rand -hex 8)" \
	    -extfile "$cfg" -extensions server -out "$dir/cert.pem" || exit 70
	trust=$dir/ca.pem
fi
chmod 644 "$dir/cert.pem" "$trust"
say "$PROG: wrote $dir/cert.pem and $dir/key.pem (CN=localhost, $DAYS days)
  server: --tls-cert $dir/cert.pem --tls-key $dir/key.pem
  client: --cafile $trust" \
    "$PROG: $dir/cert.pem ve $dir/key.pem yazıldı (CN=localhost, $DAYS gün)
  sunucu:  --tls-cert $dir/cert.pem --tls-key $dir/key.pem
  istemci: --cafile $trust"
