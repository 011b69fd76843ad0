#!/usr/bin/env bash
# Fetch MicroPython and Mbed TLS from Debian's source packages, through a private apt
# configuration so the system's apt state is untouched.
#
# usage: tools/fetch-sources.sh DEST [micropython|mbedtls|micropython-1.26|wycheproof|check-mbedtls]
#   DEST/micropython       MicroPython 1.25.0 (trixie), Debian's patches applied
#   DEST/micropython-1.26  MicroPython 1.26.1 (testing), for the second CI build
#   DEST/mbedtls           Mbed TLS 3.6.7 (testing: trixie still has 3.6.6)
#   DEST/wycheproof        Project Wycheproof's test vectors (testing), for tests/wycheproof
#   check-mbedtls          report whether Debian offers a 3.6 release newer than the pin
# Without a second argument: micropython and mbedtls.
#
# The versions are pinned below (upstream version exact, any Debian revision of it).
#
# How the download is verified: apt checks the suites' InRelease files against Debian's
# archive keyring (Signed-By below; an unsigned or badly signed index fails `apt-get
# update`), the Sources index they list by SHA256, and then every file of the source package
# (.dsc, .orig tarball, .debian tarball) against the SHA256 sums in that index before `apt-get
# source` keeps it. dpkg-source then checks the tarballs against the .dsc's own checksums. We
# print the .dsc's SHA256 so that a build log names exactly what it built.
#
# The mirror URIs are read from the system's own apt sources at run time.
set -euo pipefail

MICROPY_PIN='1.25.0+ds-*'   # trixie
MICROPY_NEXT_PIN='1.26.1+ds-*'   # testing
MBEDTLS_PIN='3.6.7-*'      # testing; unstable as a fallback once testing moves on
WYCHEPROOF_PIN='0.0~git20260625.ee7b4f7-*'   # testing, unstable

dest=$(realpath -m "${1:?usage: $0 DEST [micropython|mbedtls|micropython-1.26|wycheproof|check-mbedtls]}")
what=${2:-default}
apt_dir="$dest/apt"
mkdir -p "$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/parts"

die() { echo "fetch-sources: $*" >&2; exit 1; }

command -v dpkg-source >/dev/null || die "dpkg-source is missing: apt-get install dpkg-dev"

# Mirror URIs of the Debian archive the system already uses (deb822 and one-line formats).
# The security archive has none of the suites' main sources we need, so it is skipped.
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

apt_opts=(
    -o "Dir::Etc::SourceList=/dev/null"
    -o "Dir::Etc::SourceParts=$apt_dir/parts"
    -o "Dir::State=$apt_dir/state"
    -o "Dir::State::status=/var/lib/dpkg/status"
    -o "Dir::Cache=$apt_dir/cache"
    -o "Debug::NoLocking=1"
)

# One deb-src index per suite, each in its own state folder, so that a version is looked up in
# exactly the suite named for it.
suite_opts() {
    local suite=$1
    echo "-o Dir::Etc::SourceParts=$apt_dir/parts/$suite -o Dir::State=$apt_dir/state/$suite"
}
update_suite() {
    local suite=$1
    mkdir -p "$apt_dir/parts/$suite" "$apt_dir/state/$suite/lists/partial"
    {
        echo "Types: deb-src"
        echo "URIs: $(echo $uris)"
        echo "Suites: $suite"
        echo "Components: main"
        echo "Signed-By: $keyring"
    } > "$apt_dir/parts/$suite/$suite.sources"
    # An index younger than an hour is reused: one build fetches several packages.
    local stamp="$apt_dir/state/$suite/updated"
    if [ -n "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
        return
    fi
    echo "fetch-sources: updating the private $suite deb-src index (signature checked by apt)"
    # shellcheck disable=SC2046
    apt-get "${apt_opts[@]}" $(suite_opts "$suite") -q update >"$apt_dir/update-$suite.log" 2>&1 \
        || { cat "$apt_dir/update-$suite.log" >&2; die "apt-get update of the $suite deb-src index failed"; }
    if grep -qiE '^(W|E):' "$apt_dir/update-$suite.log"; then
        cat "$apt_dir/update-$suite.log" >&2
        die "apt-get update of the $suite deb-src index reported problems (signature?)"
    fi
    touch "$stamp"
}

# newest_version SUITE PKG: the newest version of PKG's source package in SUITE.
newest_version() {
    # shellcheck disable=SC2046
    apt-cache "${apt_opts[@]}" $(suite_opts "$1") showsrc "$2" 2>/dev/null \
        | awk '/^Version:/ { print $2 }' | sort -V | tail -n 1
}

# pick PKG PIN SUITE...: sets the caller's ver and from to the newest version of PKG that
# matches PIN in the first SUITE that has one, and that suite.
pick() {
    local pkg=$1 pin=$2 suite
    shift 2
    ver="" from=""
    for suite in "$@"; do
        update_suite "$suite"
        ver=$(newest_version "$suite" "$pkg")
        # shellcheck disable=SC2254
        case "$ver" in
            $pin) from=$suite; break ;;
        esac
        echo "fetch-sources: $suite serves $pkg ${ver:-(none)}, not $pin"
    done
    [ -n "$from" ] || die "no suite of [$*] serves $pkg $pin"
}

# fetch PKG PIN NAME SUITE...: the newest version matching PIN from the first SUITE that has
# one; downloaded (apt verifies it), unpacked into DEST/NAME with Debian's patches applied.
fetch() {
    local pkg=$1 pin=$2 name=$3 ver from
    shift 3
    pick "$pkg" "$pin" "$@"
    if [ -f "$dest/$name/.debian-version" ] && [ "$(cat "$dest/$name/.debian-version")" = "$ver" ]; then
        echo "fetch-sources: $pkg $ver (Debian $from, $(cat "$dest/$name/.dsc-sha256")) already unpacked in $dest/$name"
        return
    fi
    local work="$dest/dl-$pkg"
    rm -rf "$work" "$dest/$name"
    mkdir -p "$work"
    # shellcheck disable=SC2046
    (cd "$work" && apt-get "${apt_opts[@]}" $(suite_opts "$from") -q source --download-only "$pkg=$ver") \
        >"$work.log" 2>&1 || { cat "$work.log" >&2; die "could not download source package $pkg=$ver"; }
    # dpkg-source warns that it cannot check the uploader's own signature on the .dsc (that
    # needs the debian-keyring package); the archive's signature chain above already covers it.
    (cd "$work" && dpkg-source -x ./*.dsc "$dest/$name") >>"$work.log" 2>&1 \
        || { cat "$work.log" >&2; die "dpkg-source -x failed for $pkg $ver"; }
    echo "$ver" > "$dest/$name/.debian-version"
    (cd "$work" && sha256sum ./*.dsc | awk '{ sub("^./", "", $2); print "sha256 " $1 " " $2 }') > "$dest/$name/.dsc-sha256"
    echo "fetch-sources: $pkg $ver (Debian $from, $(cat "$dest/$name/.dsc-sha256"), verified by apt)"
    rm -rf "$work" "$work.log"
}

# fetch_vectors PKG PIN NAME SUITE...: the upstream tarball of a source package of test data,
# unpacked into DEST/NAME (only its testvectors_v1 folder): for Wycheproof, whose .dsc the
# mirrors here have been seen to lack (404) while its tarballs are there. apt checks each file it
# downloads against the signed Sources index; so that a missing .dsc costs nothing, the tarball
# is checked again here against that index's SHA256 before tar sees it.
fetch_vectors() {
    local pkg=$1 pin=$2 name=$3 ver from
    shift 3
    pick "$pkg" "$pin" "$@"
    if [ -f "$dest/$name/.debian-version" ] && [ "$(cat "$dest/$name/.debian-version")" = "$ver" ]; then
        echo "fetch-sources: $pkg $ver (Debian $from) already unpacked in $dest/$name"
        return
    fi
    local work="$dest/dl-$pkg" orig="${pkg}_${ver%-*}.orig.tar.gz" sum
    # shellcheck disable=SC2046
    sum=$(apt-cache "${apt_opts[@]}" $(suite_opts "$from") showsrc "$pkg" 2>/dev/null \
        | awk -v f="$orig" '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 } on && $3 == f { print $1; exit }')
    [ -n "$sum" ] || die "the $from Sources index lists no SHA256 for $orig"
    rm -rf "$work" "${dest:?}/${name:?}"
    mkdir -p "$work" "$dest/$name"
    # shellcheck disable=SC2046
    (cd "$work" && apt-get "${apt_opts[@]}" $(suite_opts "$from") -q source --download-only "$pkg=$ver") \
        >"$work.log" 2>&1 || true
    [ -f "$work/$orig" ] || { cat "$work.log" >&2; die "could not download $orig"; }
    echo "$sum  $work/$orig" | sha256sum -c --quiet - || die "$orig does not match the signed index's SHA256"
    tar -xzf "$work/$orig" -C "$dest/$name" --strip-components=1 --wildcards '*/testvectors_v1/*' \
        || die "could not unpack $orig"
    echo "$ver" > "$dest/$name/.debian-version"
    echo "fetch-sources: $pkg $ver (Debian $from, $orig sha256 $sum, as the signed index lists it)"
    rm -rf "$work" "$work.log"
}

# check_mbedtls: is there a 3.6 LTS release newer than the pinned one in any suite we know?
check_mbedtls() {
    local suite ver pinned=${MBEDTLS_PIN%%-*} newest=""
    for suite in trixie testing unstable; do
        update_suite "$suite"
        ver=$(newest_version "$suite" mbedtls)
        echo "fetch-sources: Debian $suite: mbedtls ${ver:-(none)}"
        case "$ver" in
            3.6.*) newest=$(printf '%s\n%s\n' "$newest" "${ver%%-*}" | sort -V | tail -n 1) ;;
        esac
    done
    if [ -n "$newest" ] && [ "$(printf '%s\n%s\n' "$pinned" "$newest" | sort -V | tail -n 1)" != "$pinned" ]; then
        echo "fetch-sources: Debian offers Mbed TLS $newest, newer than the pinned $pinned:" \
             "update MBEDTLS_PIN in tools/fetch-sources.sh and re-derive patches/mbedtls"
        return 3
    fi
    echo "fetch-sources: the pinned Mbed TLS $pinned is the newest 3.6 release Debian offers"
}

case "$what" in
    default)
        fetch micropython "$MICROPY_PIN" micropython trixie
        fetch mbedtls "$MBEDTLS_PIN" mbedtls testing unstable ;;
    micropython) fetch micropython "$MICROPY_PIN" micropython trixie ;;
    micropython-1.26) fetch micropython "$MICROPY_NEXT_PIN" micropython-1.26 testing unstable ;;
    mbedtls) fetch mbedtls "$MBEDTLS_PIN" mbedtls testing unstable ;;
    wycheproof) fetch_vectors wycheproof "$WYCHEPROOF_PIN" wycheproof testing unstable ;;
    check-mbedtls) check_mbedtls ;;
    *) die "unknown source '$what'" ;;
esac
