#!/usr/bin/env bash
# Builds the site in target/site: the server and the desk's bundle (plain
# `cargo leptos build`), then the bundle of each other area of the product
# (src/ui/areas.rs), each in a site root of its own (a front-end build empties
# its root), copied into target/site/pkg, with its content hashes in its own
# file beside the server. `--release` builds the optimised, precompressed site,
# with each bundle also as its difference from each other one.
set -euo pipefail
cd "$(dirname "$0")/.."
# wasm-opt from npm (tools/): cargo-leptos would try to download its own.
export PATH="$PWD/tools/node_modules/.bin:$PATH"
flags=()
if [ "${1:-}" = "--release" ]; then flags=(--release --precompress); fi
failed() { echo "$1 failed; disk left:"; df -h . /tmp; exit 1; }

cargo leptos build "${flags[@]}" || failed "cargo leptos build"
for area in portal manager soap invoices records; do
  root="target/site-$area"
  # The compiler keeps seeing LEPTOS_OUTPUT_NAME=carecount (.cargo/config.toml
  # forces it), so only the bundle's file names change, not the build cache.
  LEPTOS_OUTPUT_NAME="carecount-$area" LEPTOS_HASH_FILE_NAME="hash-$area.txt" LEPTOS_SITE_ROOT="$root" \
    cargo leptos build "${flags[@]}" --frontend-only --lib-features "hydrate,area-$area" \
    || failed "the $area bundle's build"
  # Its own copy of the style sheet is not used: pages link the desk build's.
  find "$root/pkg" -name "carecount-$area.*.css*" -delete
  cp -r "$root/pkg/." target/site/pkg/
done
# Each bundle as its difference from each other one, for a browser that
# keeps one already (src/server/bundle_deltas.rs).
if [ "${1:-}" = "--release" ]; then
  target/release/carecount deltas target/site/pkg > target/site/deltas.txt || failed "writing the bundles' differences"
fi
