#!/usr/bin/env bash
# Prints the size of each WASM and JS file of the built bundle: raw, and the
# precompressed .gz and .br files beside it (written by --precompress).
set -euo pipefail
dir=${1:-target/site/pkg}
size() { [ -f "$1" ] && stat -c %s "$1" || echo 0; }
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }
find "$dir" -type f \( -name '*.wasm' -o -name '*.js' \) | sort | while read -r f; do
  echo "bundle $(basename "$f"): $(kb "$(size "$f")") raw, $(kb "$(size "$f.gz")") gzip, $(kb "$(size "$f.br")") brotli"
done
