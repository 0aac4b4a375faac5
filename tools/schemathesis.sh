#!/usr/bin/env bash
# Tests the integration API against its own OpenAPI document with
# schemathesis: a server on a fresh demo database, a token made the way a
# manager makes one, then generated requests to every operation. Fails on
# any 5xx or any answer that breaks the document.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${SCHEMATHESIS_PORT:-3111}
base="http://127.0.0.1:$port"
dir=$(mktemp -d)
CARECOUNT_DATABASE="$dir/api.db" CARECOUNT_DEMO_DATA=1 CARECOUNT_ADDR="127.0.0.1:$port" \
  LEPTOS_SITE_ROOT=target/site target/debug/carecount > "$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
  curl -sf "$base/health" > /dev/null && break
  sleep 0.2
done
jar="$dir/cookies"
curl -sf -c "$jar" -b "$jar" -o /dev/null -X POST "$base/api/sign-in" \
  --data-urlencode email=sarah@maple.example --data-urlencode password=carecount-demo --data-urlencode next=
token=$(curl -sf -c "$jar" -b "$jar" -X POST "$base/api/sync/token" --data name=Schemathesis | tr -d '"')
[[ "$token" == cc_* ]] || { echo "no API token: $token"; cat "$dir/server.log"; exit 1; }
tools/.venv/bin/schemathesis run "$base/api/v1/openapi.json" --url "$base" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-30}" --generation-deterministic \
  --no-color
