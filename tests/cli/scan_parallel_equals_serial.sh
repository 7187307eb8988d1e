#!/usr/bin/env bash
# ndrscan scan: the output of a parallel run is byte-for-byte the serial one.
set -euo pipefail
bin=$1 src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# an mbox of every sample, LF, then the same with CRLF endings
for f in "$src"/corpus/*/*.eml; do
  printf 'From MAILER-DAEMON Tue Nov 12 09:15:02 2024\n'; sed -e 's/^\(>*From \)/>\1/' -e '$a\' "$f"; printf '\n'
done > "$tmp/all.mbox"
sed 's/$/\r/' "$tmp/all.mbox" > "$tmp/all-crlf.mbox"
mkdir -p "$tmp/dir/sub"; cp "$src"/corpus/postfix/*.eml "$tmp/dir/"; cp "$src"/corpus/gmail/*.eml "$tmp/dir/sub/"
for j in 1 2 4; do
  "$bin" scan -j $j --no-progress --jsonl "$tmp/out$j.jsonl" --csv "$tmp/out$j.csv" --summary-json "$tmp/sum$j.json" \
    "$tmp/all.mbox" "$tmp/all-crlf.mbox" "$tmp/dir" > "$tmp/table$j.txt"
done
for j in 2 4; do
  cmp "$tmp/out1.jsonl" "$tmp/out$j.jsonl"
  cmp "$tmp/out1.csv" "$tmp/out$j.csv"
  cmp "$tmp/sum1.json" "$tmp/sum$j.json"
  cmp "$tmp/table1.txt" "$tmp/table$j.txt"
done
n=$(ls "$src"/corpus/*/*.eml | wc -l)
# every sample was seen twice (LF and CRLF mbox) plus the directory copies
msgs=$(jq .messages "$tmp/sum1.json")
[ "$msgs" -eq $((2 * n + $(ls "$src"/corpus/postfix/*.eml "$src"/corpus/gmail/*.eml | wc -l))) ] || { echo "messages $msgs"; exit 1; }
# the LF and CRLF copies give the same records apart from the file and offset
[ "$(jq -c 'select(.file|endswith("all.mbox")) | .recipient' "$tmp/out1.jsonl" | md5sum)" = \
  "$(jq -c 'select(.file|endswith("all-crlf.mbox")) | .recipient' "$tmp/out1.jsonl" | md5sum)" ]
