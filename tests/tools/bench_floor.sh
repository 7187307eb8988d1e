#!/usr/bin/env bash
# bench-floor runs on an mbox of corpus samples and accounts for every
# message: its five lines, the message count, the DSN count. (No figure is
# checked: it is a benchmark, docs/bulk.md "Performance".)
set -uo pipefail
bin=$1 src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0
for f in "$src"/corpus/postfix/postfix-01.eml "$src"/corpus/hybrid/hybrid-01.eml "$src"/corpus/exim/*.eml; do
  [ -f "$f" ] || continue
  printf 'From MAILER-DAEMON Tue Nov 12 09:15:02 2024\n'; cat "$f"; printf '\n'
  n=$((n + 1))
done > "$tmp/s.mbox"
[ "$n" -ge 3 ] || { echo "too few samples ($n)"; exit 1; }
out=$("$bin" --runs 1 "$tmp/s.mbox") || { echo "bench-floor failed"; exit 1; }
grep -q "^$tmp/s.mbox: $n messages, " <<<"$out" || { echo "message count: $out"; exit 1; }
for l in "A  whole analysis" "B  JSON Lines records" "C  header scan" "A+B  " "B+C  floor"; do
  grep -q "^$l.* MB/s one core .* on two$" <<<"$out" || { echo "missing line '$l': $out"; exit 1; }
done
# postfix-01 and hybrid-01 are RFC 3464 reports
grep -Eq '\(([2-9]|[1-9][0-9]+) with DSN recipients\)' <<<"$out" || { echo "DSN count: $out"; exit 1; }
# a missing file and a missing argument are errors, not crashes
"$bin" "$tmp/none.mbox" 2>/dev/null; [ $? -eq 1 ] || { echo "missing file: wrong exit"; exit 1; }
"$bin" 2>/dev/null; [ $? -eq 2 ] || { echo "no argument: wrong exit"; exit 1; }
exit 0
