#!/usr/bin/env bash
# Copy KaTeX (the version pinned in tools/validate-math/package-lock.json) into the package, for the page of
# `derivator serve`: the page typesets with these files and never loads anything from a network.
# Run after `npm ci --prefix tools/validate-math` whenever the pinned version changes, and commit the result;
# tests/test_serve_static.py fails while the vendored copy and the pinned version differ.
# Only the woff2 fonts are copied: every browser the page targets reads woff2, so the stylesheet's woff and
# ttf fallbacks are never requested.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=tools/validate-math/node_modules/katex
DEST=derivator/app/static/katex
[ -f "$SRC/dist/katex.min.js" ] || { echo "run: npm ci --prefix tools/validate-math" >&2; exit 1; }
rm -rf "$DEST"
mkdir -p "$DEST/fonts"
cp "$SRC/dist/katex.min.js" "$SRC/dist/katex.min.css" "$SRC/LICENSE" "$DEST/"
cp "$SRC"/dist/fonts/*.woff2 "$DEST/fonts/"
node -p "require('./$SRC/package.json').version" > "$DEST/VERSION.txt"
echo "KaTeX $(cat "$DEST/VERSION.txt") copied to $DEST"
