#!/usr/bin/env bash
# ndrscan scan: mbox quoting, missing final newline, 0-byte and truncated files,
# gzip, a stream on stdin, a symlink loop; every message accounted for.
set -uo pipefail
bin=$1 src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sample="$src/corpus/postfix/postfix-01.eml"
{
  printf 'From a Tue Nov 12 09:15:02 2024\n'; cat "$sample"; printf '\n'
  printf 'From b Tue Nov 12 09:15:03 2024\nSubject: quoted\n\n>From here\nFrom the body, not a separator\n\n'
  printf 'From c Tue Nov 12 09:15:04 2024\n'; cat "$sample" | head -c -1   # no final newline
} > "$tmp/edge.mbox"
: > "$tmp/empty.eml"
printf 'From d Tue Nov 12 09:15:05 2024\n' > "$tmp/truncated.mbox"
gzip -c "$tmp/edge.mbox" > "$tmp/edge.mbox.gz"
mkdir -p "$tmp/loop"; ln -s . "$tmp/loop/self"
"$bin" scan --no-progress --summary-json "$tmp/s.json" "$tmp/edge.mbox" "$tmp/empty.eml" "$tmp/truncated.mbox" \
  "$tmp/edge.mbox.gz" "$tmp/loop" > "$tmp/out.txt" 2>&1
rc=$?
[ $rc -eq 1 ] || { echo "rc $rc"; cat "$tmp/out.txt"; exit 1; }
jq -e '.messages == 7 and .analysed == 6 and .bounces == 4 and .other == 2' "$tmp/s.json" >/dev/null || { jq . "$tmp/s.json"; exit 1; }
jq -e '[.errors[].reason] | any(test("empty file")) and any(test("symlink loop")) and any(test("empty input"))' "$tmp/s.json" >/dev/null \
  || { jq .errors "$tmp/s.json"; exit 1; }
jq -e '[.errors[] | select(.file|endswith("truncated.mbox"))][0].offset == 0' "$tmp/s.json" >/dev/null || { jq .errors "$tmp/s.json"; exit 1; }
# the same mbox as a stream on stdin
"$bin" scan --no-progress --summary-json "$tmp/stdin.json" - < "$tmp/edge.mbox" > /dev/null || exit 1
jq -e '.messages == 3 and .bounces == 2' "$tmp/stdin.json" >/dev/null || { jq . "$tmp/stdin.json"; exit 1; }
# the quoted line is unquoted, the body "From " line stays in its message
"$bin" --json "$tmp/edge.mbox" | jq -e -s 'length == 3' >/dev/null || exit 1
exit 0
