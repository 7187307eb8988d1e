#!/usr/bin/env bash
# stdin ("-" or no argument) gives the same JSON as the path; several inputs give JSON Lines.
set -euo pipefail
bin=$1 src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
samples=("$src"/corpus/*/*.eml); sample=${samples[0]}  # no ls | head: SIGPIPE under pipefail
"$bin" --json "$sample" | sed 's/"source":"[^"]*"/"source":X/' > "$tmp/a"
"$bin" --json < "$sample" | sed 's/"source":"[^"]*"/"source":X/' > "$tmp/b"
"$bin" --json - < "$sample" | sed 's/"source":"[^"]*"/"source":X/' > "$tmp/c"
cmp "$tmp/a" "$tmp/b"; cmp "$tmp/a" "$tmp/c"
[ "$(wc -l < "$tmp/a")" -eq 1 ]
n=$(ls "$src"/corpus/*/*.eml | wc -l)
"$bin" --json "$src"/corpus/*/*.eml > "$tmp/all"
[ "$(wc -l < "$tmp/all")" -eq "$n" ]
# every line is one JSON object with the contract's top-level keys
python3 - "$tmp/all" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    for k in ("recipients", "reporting_mta", "hops", "original", "diagnostics"):
        assert k in o, k
    for h in o["hops"]:
        for k in ("from_host", "from_rdns", "from_ip", "by_host", "protocol", "tls", "time", "delay_s"):
            assert k in h, k
    for r in o["recipients"]:
        for k in ("address", "action", "status", "reply_code", "diagnostic", "remote_mta"):
            assert k in r, k
PY
