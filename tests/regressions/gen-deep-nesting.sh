#!/usr/bin/env bash
# gen-deep-nesting.sh - write the mimetic 0.9.8 deep-nesting input into a
# temporary directory and print its path (it is ~6 MB, so it is not kept in
# the repository; tests/unit/regressions_test.cc builds it in memory).
#
# Usage: tests/regressions/gen-deep-nesting.sh [LEVELS] [OUTDIR]
#   LEVELS  nested "Content-Type: message/rfc822" entities (default 200000;
#           30 bytes per level)
#   OUTDIR  where to write (default: a new mktemp -d directory)
#
# Input: LEVELS x "Content-Type: message/rfc822\n\n", then
# "Subject: deep\n\nbody\n". mimetic's recursive parser overflows an 8 MiB
# stack at 200k levels (../shared/facts/dependencies.md 2.3); ndrscan must
# skip the MIME tree and report mime-too-many-parts instead. Check with:
#   f=$(tests/regressions/gen-deep-nesting.sh) && build/ndrscan --json "$f"; rm -r "$(dirname "$f")"
set -euo pipefail
levels=${1:-200000}
out=${2:-$(mktemp -d "${TMPDIR:-/tmp}/ndrscan-deep.XXXXXX")}
[[ $levels =~ ^[0-9]+$ ]] || { echo "gen-deep-nesting: LEVELS must be a number" >&2; exit 2; }
mkdir -p "$out"
file=$out/deep-rfc822-$levels.eml
awk -v n="$levels" 'BEGIN {
  for (i = 0; i < n; i++) printf "Content-Type: message/rfc822\n\n"
  printf "Subject: deep\n\nbody\n"
}' >"$file"
echo "$file"
