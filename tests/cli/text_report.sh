#!/usr/bin/env bash
# Text output: no colour when piped or with NO_COLOR, colour with --color=always, 80 columns.
set -euo pipefail
bin=$1 src=$2
for f in "$src"/corpus/*/*.eml; do
  out=$("$bin" "$f")
  if grep -q $'\x1b' <<<"$out"; then echo "colour on a pipe: $f"; exit 1; fi
  # lines longer than 80 columns only when one unbreakable token is longer
  # (command lines, marked "$ ", are never wrapped so they copy whole)
  printf '%s\n' "$out" | awk -v f="$f" 'length($0) > 80 && $0 !~ /^ +\$ / { n = split($0, w, " "); long = 0;
      for (i = 1; i <= n; i++) if (length(w[i]) > 60) long = 1;
      if (!long) { print "over 80 columns in " f ": " $0; bad = 1 } } END { exit bad }'
done
samples=("$src"/corpus/*/*.eml); f=${samples[0]}  # no ls | head: SIGPIPE under pipefail
grep -q $'\x1b\[' <<<"$("$bin" --color=always "$f")"
# (here-strings, not pipes into grep -q: grep's early exit would kill
# ndrscan with SIGPIPE under pipefail)
if grep -q $'\x1b' <<<"$(NO_COLOR=1 "$bin" --color=auto "$f")"; then echo "colour despite NO_COLOR"; exit 1; fi 
