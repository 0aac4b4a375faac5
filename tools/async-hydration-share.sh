#!/usr/bin/env bash
# How much of an area's release bundle is Leptos' async hydration, which
# CareCount never runs: it hydrates synchronously, and only lazy routes
# hydrate asynchronously. In Leptos 0.8 every type-erased view keeps a
# `hydrate_async` function anyway (tachys' AnyView holds a pointer to it);
# Leptos 0.9 (tachys 0.3) builds it only with its `lazy` feature.
#
# Usage: tools/async-hydration-share.sh [AREA]   (portal, soap, invoices,
# records, manager; `desk` for the day's desk). Builds the area's release
# bundle, keeps its function names, then optimises it twice as the build
# does: as it is, and with every `hydrate_async` function replaced by a trap
# (what the optimiser can then drop with it is dropped too). Prints both
# sizes, raw and brotli. This measures; it changes nothing that is served.
# Needs what `make tools` installs, python3 and node.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$PATH"
area=${1:-soap}
features="hydrate"
[ "$area" = desk ] || features="hydrate,area-$area"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A site root of its own: a front-end build empties its root.
LEPTOS_SITE_ROOT="target/site-measure" cargo leptos build --release --frontend-only --lib-features "$features" \
  >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
wasm-bindgen --target web --out-dir "$work" target/front/wasm32-unknown-unknown/wasm-release/carecount.wasm
enabled=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals
  --enable-reference-types --enable-multivalue)
wasm-opt "${enabled[@]}" -Oz -g "$work/carecount_bg.wasm" -o "$work/named.wasm"
wasm-dis "${enabled[@]}" "$work/named.wasm" -o "$work/named.wat"
python3 - "$work" <<'PY'
import re, sys
work = sys.argv[1]
text = open(f"{work}/named.wat").read()
functions = re.split(r"(?=\n \(func )", text)
stubbed = 0
for i, function in enumerate(functions):
    header = function.split("\n")[1] if function.startswith("\n (func ") else ""
    if "hydrate_async" in header:
        functions[i] = f"\n{header}\n  (unreachable)\n )"
        stubbed += 1
if stubbed == 0:
    sys.exit("no hydrate_async function found: has Leptos changed how views hydrate?")
open(f"{work}/stubbed.wat", "w").write("".join(functions))
print(f"{stubbed} async hydration functions")
PY
for variant in named stubbed; do
  [ "$variant" = named ] || wasm-as "${enabled[@]}" "$work/$variant.wat" -o "$work/$variant.wasm"
  wasm-opt "${enabled[@]}" -Oz --strip-debug --strip-producers "$work/$variant.wasm" -o "$work/$variant.min.wasm"
done
node -e '
const fs = require("fs"), zlib = require("zlib");
const size = (file) => {
  const bytes = fs.readFileSync(file);
  const brotli = zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
  return [bytes.length / 1024, brotli.length / 1024];
};
const [raw, br] = size(process.argv[1]), [rawLess, brLess] = size(process.argv[2]);
const kb = (n) => n.toFixed(1) + " KB";
console.log(`as built:                  ${kb(raw)} raw, ${kb(br)} brotli`);
console.log(`without async hydration:   ${kb(rawLess)} raw, ${kb(brLess)} brotli`);
console.log(`async hydration takes:     ${kb(raw - rawLess)} raw, ${kb(br - brLess)} brotli (${(100 * (br - brLess) / br).toFixed(1)} %)`);
' "$work/named.min.wasm" "$work/stubbed.min.wasm"
