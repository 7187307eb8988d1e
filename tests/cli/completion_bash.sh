#!/usr/bin/env bash
# The bash completion loads, registers itself, and completes options,
# subcommands, option values and file names (without bash-completion).
set -euo pipefail
src=$2
comp=$src/completions/ndrscan.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/site.toml" "$tmp/other.txt" "$tmp/with space.eml"

# complete WORDS... - the COMPREPLY of completing the last word, one per line.
complete_words() {
  (cd "$tmp" && bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _ndrscan
    printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@")
}
fail() { echo "FAIL: $*" >&2; exit 1; }
# line_words "LINE" - the command line as words; a trailing space starts an empty word.
line_words() {
  local -a w
  read -ra w <<<"$1"
  [[ $1 == *" " ]] && w+=("")
  complete_words "${w[@]}"
}
expect() {  # expect "LINE" WANTED... : every WANTED is offered
  local line=$1 got want
  got=$(line_words "$line")
  shift
  for want in "$@"; do
    grep -qxF -- "$want" <<<"$got" || fail "completing '$line': no '$want' in: $(tr '\n' ' ' <<<"$got")"
  done
}
reject() {  # reject "LINE" UNWANTED... : no UNWANTED is offered
  local line=$1 got bad
  got=$(line_words "$line")
  shift
  for bad in "$@"; do
    if grep -qxF -- "$bad" <<<"$got"; then fail "completing '$line': unexpected '$bad'"; fi
  done
}

grep -qx 'complete -F _ndrscan ndrscan' <<<"$(bash --norc --noprofile -c "source '$comp' && complete -p ndrscan")" ||
  fail "complete -p ndrscan"

expect "ndrscan --" --json --format --pretty --color --no-color --profile --onprem --domain --geoip-db \
  --no-geoip --max-size --knowledge --no-config --help --version
expect "ndrscan --no-" --no-color --no-config --no-geoip --no-paste
reject "ndrscan --no-c" --json
expect "ndrscan s" scan summary
expect "ndrscan " scan summary profile serve explain catalogue site.toml other.txt "with space.eml"
expect "ndrscan --format " text json
expect "ndrscan --format j" json
reject "ndrscan --format j" text
expect "ndrscan --color " auto always never
expect "ndrscan --format = j" json              # --format=j, as bash splits it
expect "ndrscan --profile " site.toml
reject "ndrscan --profile " other.txt
expect "ndrscan scan --" --jsonl --csv --summary-json --report --top --errors --all-files --paths-from \
  --jobs --no-progress --no-config --profile --help
reject "ndrscan scan --" --pretty --format
expect "ndrscan scan w" "with space.eml"
expect "ndrscan summary " merge
expect "ndrscan profile " check
expect "ndrscan profile check " site.toml
expect "ndrscan profile check --" --no-config
# Every subcommand the completion offers exists in the binary (a --help that works).
bin=$1
for sub in $(line_words "ndrscan " | grep -vF -e . -e ' '); do
  [ -d "$tmp/$sub" ] && continue
  out=$("$bin" "$sub" --help 2>&1) || out=$("$bin" "$sub" 2>&1) || true
  grep -qi "usage: ndrscan $sub" <<<"$out" || fail "subcommand '$sub' offered but not known: $out"
done
echo "bash completion ok"
