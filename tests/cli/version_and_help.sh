#!/usr/bin/env bash
# --help and --version print and exit 0; --version names the data date.
set -euo pipefail
bin=$1
grep -q '^Usage: ndrscan' <<<"$("$bin" --help)"
version=$("$bin" --version)
grep -Eq '^ndrscan [0-9]+\.[0-9]+\.[0-9]+$' <<<"$version"
grep -Eq 'status codes: [0-9]+ entries, [0-9]{4}-[0-9]{2}-[0-9]{2}' <<<"$version"
