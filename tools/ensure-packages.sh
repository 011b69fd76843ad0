#!/usr/bin/env bash
# Installs the Debian packages named on the command line that are missing.
# usage: tools/ensure-packages.sh PACKAGE...
set -euo pipefail

missing=()
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "mpssl: missing Debian packages: ${missing[*]}" >&2
    echo "mpssl: install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "mpssl: installing ${missing[*]}"
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
