#!/usr/bin/env bash
# docs/ndrscan.1 is in step with the binary: every long option that
# `ndrscan --help`, `ndrscan scan --help` (and the --help of each subcommand
# the man page documents) prints is in the man page; every option in its
# OPTIONS section is in one of those help texts; the version in .TH is the
# binary's; and man renders it without a warning.
set -euo pipefail
bin=$1
src=$2
page=$src/docs/ndrscan.1
fail=0
problem() { echo "manpage_in_step: $*" >&2; fail=1; }

# long_options - the --options a text names, leaving out example command
# lines of other programs (serve's help shows `curl --data-binary ...`).
long_options() { grep -vE '^[[:space:]]*(curl|wget|jq) ' | grep -oE -- '--[a-z][a-z0-9-]*[a-z0-9]' | sort -u; }

# The roff source with \- as -, without comment lines.
plain=$(grep -v '^\.\\"' "$page" | sed 's/\\-/-/g')
# The OPTIONS section: from .SH OPTIONS to the next .SH.
options_section=$(awk '/^\.SH /{on = ($2 == "OPTIONS")} on' <<<"$plain")

# Help texts: the main command, scan, and every subcommand the OPTIONS
# section has a .SS heading for ("ndrscan summary merge [OPTIONS] ...").
help=$("$bin" --help; "$bin" scan --help)
while read -r cmd; do
  [ -n "$cmd" ] || continue
  # shellcheck disable=SC2086  # the subcommand words split on purpose
  out=$("$bin" $cmd --help 2>&1) || true
  grep -q -- '--' <<<"$out" || problem "'ndrscan $cmd --help' prints no options: $out"
  help+=$'\n'"$out"
done < <(sed -n 's/^\.SS "ndrscan \([a-z][a-z ]*[a-z]\) .*/\1/p' <<<"$options_section" | sed 's/ *\[.*//' | sort -u)

# 1. Every option of the help texts is in the man page.
for opt in $(long_options <<<"$help"); do
  grep -qE -- "${opt}([^a-z0-9-]|$)" <<<"$plain" || problem "$opt is in --help but not in docs/ndrscan.1"
done

# 2. Every option in OPTIONS is in a help text. --colour is the accepted
# British spelling of --color, not listed in --help on purpose.
"$bin" --colour never --help >/dev/null || problem "--colour is documented but not accepted"
for opt in $(long_options <<<"$options_section"); do
  [ "$opt" = --colour ] && continue
  grep -qE -- "${opt}([^a-z0-9-]|$)" <<<"$help" || problem "$opt is in docs/ndrscan.1 OPTIONS but in no --help"
done

# 3. The version in .TH is the binary's.
version=$("$bin" --version | sed -n '1s/^ndrscan //p')
grep -q "^\.TH NDRSCAN 1 .*\"ndrscan $version\"" "$page" || problem ".TH does not name ndrscan $version"

# 4. man renders it without a warning.
if ! command -v man >/dev/null; then
  problem "man is not installed (tools/install-deps installs man-db)"
else
  warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null) || problem "man -l failed"
  [ -z "$warnings" ] || problem "man --warnings: $warnings"
fi
exit $fail
