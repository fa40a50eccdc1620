#!/usr/bin/env bash
# Vendor front-end assets into static/vendor/ (no CDN anywhere):
#   - Bootstrap 5.3.x  -> static/vendor/bootstrap/
# (The dashboard's charts are server-side SVG, reporting/charts.py: no chart library is shipped.)
# Idempotent: re-running replaces the files with the pinned versions. Everything is
# downloaded and checked first; static/vendor/ is only modified once all files exist.
# Usage: scripts/vendor.sh   (called by `make vendor`)
# Versions can be overridden from the environment, e.g. BOOTSTRAP_VERSION=5.3.8.
set -euo pipefail

BOOTSTRAP_VERSION="${BOOTSTRAP_VERSION:-5.3.9}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR_DIR="$ROOT/static/vendor"

command -v npm >/dev/null 2>&1 || { echo "vendor.sh: npm is required (apt-get install npm, or install Node.js)" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# fetch <package> <version> <name>: unpack the npm tarball into $TMP/<name>/package
fetch() {
    local pkg="$1" version="$2" name="$3" dest="$TMP/$3"
    mkdir -p "$dest"
    if ! (cd "$dest" && npm pack --silent "${pkg}@${version}" >/dev/null); then
        echo "vendor.sh: npm pack ${pkg}@${version} failed" >&2
        exit 1
    fi
    tar -xzf "$dest"/*.tgz -C "$dest"
    local got
    got="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$dest/package/package.json" | head -n1)"
    if [[ "$got" != "$version" ]]; then
        echo "vendor.sh: expected ${pkg}@${version}, got ${got:-nothing}" >&2
        exit 1
    fi
}

# stage <name> <src>...: copy files into $TMP/out/<name>, all must exist
stage() {
    local name="$1"; shift
    mkdir -p "$TMP/out/$name"
    local f
    for f in "$@"; do
        [[ -f "$f" ]] || { echo "vendor.sh: missing file in package: ${f#"$TMP"/}" >&2; exit 1; }
        install -m 0644 "$f" "$TMP/out/$name/"
    done
}

fetch bootstrap "$BOOTSTRAP_VERSION" bootstrap

# The .map files are referenced by sourceMappingURL comments at the end of the
# minified files; Django's ManifestStaticFilesStorage (collectstatic) fails if
# they are missing, so they are shipped too.
bs="$TMP/bootstrap/package"
stage bootstrap \
    "$bs/dist/css/bootstrap.min.css" \
    "$bs/dist/css/bootstrap.min.css.map" \
    "$bs/dist/js/bootstrap.bundle.min.js" \
    "$bs/dist/js/bootstrap.bundle.min.js.map" \
    "$bs/LICENSE"
echo "$BOOTSTRAP_VERSION" > "$TMP/out/bootstrap/VERSION"

mkdir -p "$VENDOR_DIR"
for name in bootstrap; do
    rm -rf "${VENDOR_DIR:?}/$name"
    cp -R "$TMP/out/$name" "$VENDOR_DIR/$name"
done

echo "vendor.sh: bootstrap@${BOOTSTRAP_VERSION} -> ${VENDOR_DIR#"$ROOT"/}/"
