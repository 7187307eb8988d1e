#!/usr/bin/env bash
# A 2 GB input (sparse, so it costs no disk): no crash, bounded memory, and
# the oversized message is listed, not silently dropped.
set -uo pipefail
bin=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
truncate -s 2G "$tmp/zeros.eml"
{ printf 'From a Tue Nov 12 09:15:02 2024\nSubject: huge\n\n'; } > "$tmp/huge.mbox"
truncate -s 2G "$tmp/huge.mbox"
/usr/bin/time -f "%M" -o "$tmp/rss" "$bin" scan --no-progress --summary-json "$tmp/s.json" \
  "$tmp/zeros.eml" "$tmp/huge.mbox" > /dev/null 2>&1
rc=$?
[ $rc -eq 1 ] || { echo "rc $rc"; exit 1; }
rss_kb=$(tail -n 1 "$tmp/rss")
[ "$rss_kb" -lt 204800 ] || { echo "peak RSS ${rss_kb} KB"; exit 1; }
jq -e '.error_count == 2 and ([.errors[].reason] | all(test("larger than")))' "$tmp/s.json" >/dev/null \
  || { jq .errors "$tmp/s.json"; exit 1; }
# the single-message command refuses it at once, by size
"$bin" "$tmp/zeros.eml" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "larger than" "$tmp/err" || { echo "single rc $rc"; cat "$tmp/err"; exit 1; }
echo "peak RSS ${rss_kb} KB on 2 x 2 GB"
