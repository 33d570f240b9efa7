#!/usr/bin/env bash
# The Debian packages that `uv sync` needs to build what ships no wheel for Linux: python-ldap
# (under django-auth-ldap, LDAP / Active Directory sign-in) compiles against OpenLDAP's, Cyrus
# SASL's and Python's headers. Installed when missing (as root, with apt-get), the way
# scripts/services.sh installs PostgreSQL and Redis; `make backend-install` runs this first.
set -euo pipefail

missing=()
[ -f /usr/include/ldap.h ] || missing+=(libldap2-dev)
[ -f /usr/include/sasl/sasl.h ] || missing+=(libsasl2-dev)
python_include=$(python3.11 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
[ -f "$python_include/Python.h" ] || missing+=(python3.11-dev)
command -v gcc >/dev/null || missing+=(gcc)
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "python-ldap needs these Debian packages to build: ${missing[*]} (apt-get install them as root)" >&2
  exit 1
fi
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
