#!/usr/bin/env bash
# Scale-out: split the inputs into shards, run ndrscan on each under GNU
# parallel (as one would across hosts with --sshlogin), merge the shard
# summaries, and check the merge equals one run over everything.
set -euo pipefail
bin=$1 src=$2
command -v parallel >/dev/null || { echo "skipped: GNU parallel not installed (Debian package parallel)"; exit 0; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ls "$src"/corpus/*/*.eml | sed 's/.*/{"path":"&"}/' > "$tmp/paths.ndjson"    # NDJSON-framed paths
split -n l/3 -d "$tmp/paths.ndjson" "$tmp/shard."
ls "$tmp"/shard.* | parallel -k --will-cite -j 3 \
  "$bin scan --no-progress --paths-from {} --summary-json {}.json --jsonl {}.jsonl > /dev/null"
"$bin" summary merge --json "$tmp"/shard.0?.json > "$tmp/merged.json"
"$bin" scan --no-progress --paths-from "$tmp/paths.ndjson" --summary-json "$tmp/single.json" --jsonl "$tmp/single.jsonl" > /dev/null
cmp <(jq -S . "$tmp/merged.json") <(jq -S . "$tmp/single.json")
cat "$tmp"/shard.0?.jsonl | cmp - "$tmp/single.jsonl"
# the text table of the merge is the single run's table
cmp <("$bin" summary merge "$tmp"/shard.0?.json) <("$bin" scan --no-progress --paths-from "$tmp/paths.ndjson")
