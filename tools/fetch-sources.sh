#!/usr/bin/env bash
# Fetch MicroPython 1.25.0 and Mbed TLS 3.6 from Debian trixie's source packages,
# through a private apt configuration so the system's apt state is untouched.
#
# usage: tools/fetch-sources.sh DEST
#   DEST/micropython  unpacked, Debian patches applied (dpkg-source -x)
#   DEST/mbedtls      likewise
# The mirror URIs are read from the system's own apt sources at run time.
set -euo pipefail

dest=$(realpath -m "${1:?usage: $0 DEST}")
apt_dir="$dest/apt"
mkdir -p "$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/parts"

die() { echo "fetch-sources: $*" >&2; exit 1; }

command -v dpkg-source >/dev/null || die "dpkg-source is missing: apt-get install dpkg-dev"

# Mirror URIs of the Debian archive the system already uses (deb822 and one-line formats).
# The security archive has no trixie main suite we need, so it is skipped.
mirror_uris() {
    {
        for f in /etc/apt/sources.list.d/*.sources; do
            [ -f "$f" ] || continue
            awk 'tolower($1)=="uris:" { for (i = 2; i <= NF; i++) print $i }' "$f"
        done
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [ -f "$f" ] || continue
            awk '$1=="deb" || $1=="deb-src" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }' "$f"
        done
    } | grep -E '/debian/?$' | sort -u
}

uris=$(mirror_uris)
[ -n "$uris" ] || die "no Debian mirror found in /etc/apt/sources.list{,.d}; add one (deb822 'URIs:' line ending in /debian)"

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || die "$keyring missing: apt-get install debian-archive-keyring"
{
    echo "Types: deb-src"
    echo "URIs: $(echo $uris)"
    echo "Suites: trixie"
    echo "Components: main"
    echo "Signed-By: $keyring"
} > "$apt_dir/trixie.sources"

apt_opts=(
    -o "Dir::Etc::SourceList=/dev/null"
    -o "Dir::Etc::SourceParts=$apt_dir/parts"
    -o "Dir::State=$apt_dir/state"
    -o "Dir::State::status=/var/lib/dpkg/status"
    -o "Dir::Cache=$apt_dir/cache"
    -o "Debug::NoLocking=1"
)
cp "$apt_dir/trixie.sources" "$apt_dir/parts/trixie.sources"

echo "fetch-sources: updating private trixie deb-src index"
apt-get "${apt_opts[@]}" -q update >"$apt_dir/update.log" 2>&1 \
    || { cat "$apt_dir/update.log" >&2; die "apt-get update of the trixie deb-src index failed"; }

# fetch PKG VERSION_GLOB NAME: download, check the revision, unpack into DEST/NAME
fetch() {
    local pkg=$1 want=$2 name=$3 ver
    ver=$(apt-cache "${apt_opts[@]}" showsrc "$pkg" 2>/dev/null | awk '/^Version:/ { print $2 }' | sort -V | tail -n 1)
    [ -n "$ver" ] || die "trixie serves no source package '$pkg'"
    # shellcheck disable=SC2254
    case "$ver" in
        $want) ;;
        *) die "trixie serves $pkg $ver, expected $want" ;;
    esac
    echo "fetch-sources: $pkg $ver (Debian trixie)"
    if [ -f "$dest/$name/.debian-version" ] && [ "$(cat "$dest/$name/.debian-version")" = "$ver" ]; then
        echo "fetch-sources: $pkg $ver already unpacked in $dest/$name"
        return
    fi
    local work="$dest/dl-$pkg"
    rm -rf "$work" "$dest/$name"
    mkdir -p "$work"
    (cd "$work" && apt-get "${apt_opts[@]}" -q source --download-only "$pkg=$ver") \
        || die "could not download source package $pkg=$ver"
    (cd "$work" && dpkg-source -x ./*.dsc "$dest/$name") >/dev/null \
        || die "dpkg-source -x failed for $pkg $ver"
    echo "$ver" > "$dest/$name/.debian-version"
    rm -rf "$work"
}

fetch micropython '1.25.0+ds-*' micropython
fetch mbedtls '3.6.*' mbedtls
