#!/usr/bin/env bash
# Documented exit codes and one-line errors naming the input.
set -uo pipefail
bin=$1 src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
samples=("$src"/corpus/*/*.eml); sample=${samples[0]}  # no ls | head: SIGPIPE under pipefail

"$bin" "$sample" >/dev/null; [ $? -eq 0 ] || { echo "analysed file should exit 0"; exit 1; }

"$bin" "$tmp/missing.eml" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || { echo "missing file: rc $rc"; exit 1; }
grep -qx "ndrscan: error: $tmp/missing.eml: cannot open: No such file or directory" "$tmp/err" || { cat "$tmp/err"; exit 1; }

: > "$tmp/empty.eml"
"$bin" "$tmp/empty.eml" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -qx "ndrscan: error: $tmp/empty.eml: empty input" "$tmp/err" || { echo "empty: rc $rc"; cat "$tmp/err"; exit 1; }

# 4 KiB of fixed pseudo-random bytes (a seeded generator: the same every run)
perl -e 'srand(7); print map { chr(int(rand(256))) } 1..4096' > "$tmp/junk.bin"; printf '\0' >> "$tmp/junk.bin"
"$bin" "$tmp/junk.bin" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "junk.bin: binary data" "$tmp/err" || { echo "junk: rc $rc"; cat "$tmp/err"; exit 1; }

"$bin" "$tmp" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q ": is a directory" "$tmp/err" || { echo "dir: rc $rc"; exit 1; }

# one bad input among good ones: the good ones are still reported, exit 1
"$bin" --json "$sample" "$tmp/missing.eml" "$sample" > "$tmp/out" 2>/dev/null; rc=$?
[ $rc -eq 1 ] && [ "$(wc -l < "$tmp/out")" -eq 2 ] || { echo "mixed: rc $rc"; exit 1; }

"$bin" --bogus >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "^ndrscan: error: unrecognised option '--bogus'" "$tmp/err" || { echo "usage: rc $rc"; cat "$tmp/err"; exit 1; }

"$bin" --knowledge "$tmp" "$sample" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "enhanced-status-codes.tsv: cannot open" "$tmp/err" || { echo "knowledge: rc $rc"; cat "$tmp/err"; exit 1; }

head -c 2000 /dev/zero | tr '\0' 'x' > "$tmp/big.eml"
"$bin" --max-size 1000 "$tmp/big.eml" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && grep -q "larger than the 1000-byte limit" "$tmp/err" || { echo "max-size: rc $rc"; exit 1; }
exit 0
