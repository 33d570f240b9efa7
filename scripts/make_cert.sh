#!/usr/bin/env bash
# Make a self-signed TLS certificate for a first start of the production stack.
#
#   scripts/make_cert.sh HOSTNAME [OUTPUT_DIR]
#
# Writes OUTPUT_DIR/privkey.pem and OUTPUT_DIR/fullchain.pem (default: nginx/certs/,
# which nginx mounts read-only at /etc/nginx/certs/). HOSTNAME may be a DNS name or an
# IP address; it goes into the subject alternative name. Browsers will warn about a
# self-signed certificate: replace it with a real one (PRODUCTION_DEPLOYMENT.md, "TLS").
#
# Environment: CERT_DAYS (default 365), FORCE=1 to overwrite existing files.
set -euo pipefail

usage() {
    echo "usage: $0 HOSTNAME [OUTPUT_DIR]" >&2
    exit 2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
host="$1"
case "$host" in
    -h|--help) usage ;;
    ""|-*|*[!A-Za-z0-9.:-]*)
        echo "error: '$host' is not a host name or IP address" >&2
        exit 2
        ;;
esac

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out_dir="${2:-$repo_root/nginx/certs}"
days="${CERT_DAYS:-365}"

command -v openssl >/dev/null 2>&1 || { echo "error: openssl is required" >&2; exit 1; }

if [ -e "$out_dir/privkey.pem" ] || [ -e "$out_dir/fullchain.pem" ]; then
    if [ "${FORCE:-0}" != "1" ]; then
        echo "error: $out_dir already holds a certificate; set FORCE=1 to replace it" >&2
        exit 1
    fi
fi

if [[ "$host" =~ ^[0-9.]+$ ]] || [[ "$host" == *:* ]]; then
    san="IP:$host"
else
    san="DNS:$host"
fi

mkdir -p "$out_dir"
umask 077
tmp_key="$(mktemp "$out_dir/.privkey.XXXXXX")"
tmp_crt="$(mktemp "$out_dir/.fullchain.XXXXXX")"
trap 'rm -f "$tmp_key" "$tmp_crt"' EXIT

# openssl prints progress on stderr: show it only when something goes wrong.
if ! openssl_log="$(openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -days "$days" \
        -subj "/CN=$host" \
        -addext "subjectAltName=$san" \
        -addext "basicConstraints=critical,CA:FALSE" \
        -addext "keyUsage=critical,digitalSignature" \
        -addext "extendedKeyUsage=serverAuth" \
        -keyout "$tmp_key" -out "$tmp_crt" 2>&1)"; then
    echo "$openssl_log" >&2
    echo "error: openssl could not make the certificate" >&2
    exit 1
fi

chmod 600 "$tmp_key"
chmod 644 "$tmp_crt"
mv -f "$tmp_key" "$out_dir/privkey.pem"
mv -f "$tmp_crt" "$out_dir/fullchain.pem"
trap - EXIT

echo "wrote $out_dir/fullchain.pem and $out_dir/privkey.pem"
openssl x509 -in "$out_dir/fullchain.pem" -noout -subject -enddate -ext subjectAltName
