#!/usr/bin/env bash
# The bulk summary of corpus/ matches tests/golden/scan-summary.txt
# (tools/regen-expected rewrites it; review the diff).
set -euo pipefail
bin=$1 src=$2
cd "$src"
diff -u tests/golden/scan-summary.txt <("$bin" scan --no-progress --no-geoip --top 8 corpus)
