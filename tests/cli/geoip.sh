#!/usr/bin/env bash
# --geoip-db: ASN, AS name and country in the JSON report, and a one-line
# error (exit 2) for a database that cannot be opened.
# Args: binary, source dir [, test database]. The database is built by the
# geoip_test_db target next to the binary: <build>/tests/geoip-test.mmdb.
set -uo pipefail
bin=$1 src=$2
db=${3:-$(dirname "$1")/tests/geoip-test.mmdb}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# The error path needs no database.
"$bin" --geoip-db /nonexistent/geoip.mmdb "$src/corpus/exchange-online/exchange-online-07.eml" \
  >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || { echo "--geoip-db /nonexistent: rc $rc"; cat "$tmp/err"; exit 1; }
[ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "^ndrscan: error: .*/nonexistent/geoip.mmdb" "$tmp/err" \
  || { echo "--geoip-db /nonexistent: want one error line naming the file"; cat "$tmp/err"; exit 1; }
[ ! -s "$tmp/out" ] || { echo "--geoip-db /nonexistent: no report expected"; exit 1; }

if [ ! -f "$db" ]; then
  echo "skipped: no test database at $db (needs perl with MaxMind::DB::Writer: libmaxmind-db-writer-perl)"
  exit 0
fi

# exchange-online-07 has EOP hops from 52.101.73.81 and 40.107.237.102.
sample=$src/corpus/exchange-online/exchange-online-07.eml
"$bin" --geoip-db "$db" --json "$sample" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 0 ] || { echo "--geoip-db: rc $rc"; cat "$tmp/err"; exit 1; }
python3 - "$tmp/out" <<'PY' || exit 1
import json, sys
report = json.load(open(sys.argv[1]))
found = {}
def walk(o):
    if isinstance(o, dict):
        if o.get("asn") is not None:
            found.setdefault(o["asn"], []).append(o)
        for v in o.values():
            walk(v)
    elif isinstance(o, list):
        for v in o:
            walk(v)
walk(report)
eop = found.get(8075)
if not eop:
    sys.exit(f"no network with asn 8075 in the report (asns: {sorted(found)})")
n = eop[0]
if n.get("as_name") != "MICROSOFT-CORP-MSN-AS-BLOCK" or n.get("country") not in ("US", "IE"):
    sys.exit(f"unexpected AS facts: {n}")
if not any(e.startswith("AS8075 ") and "microsoft-eop.tsv" in e for e in n.get("evidence", [])):
    sys.exit(f"no AS8075 evidence: {n.get('evidence')}")
PY

# Without the database (and without the usual directories) no AS facts.
"$bin" --no-geoip --json "$sample" >"$tmp/out2" 2>/dev/null || { echo "--no-geoip failed"; exit 1; }
grep -q '"asn":8075' "$tmp/out2" && { echo "--no-geoip still reports asn 8075"; exit 1; }

# --version lists the database with its type.
"$bin" --geoip-db "$db" --version >"$tmp/ver" 2>&1 || { echo "--version failed"; exit 1; }
grep -q "geoip: $db (ndrscan-geoip, built " "$tmp/ver" || { echo "--version does not list $db"; cat "$tmp/ver"; exit 1; }
exit 0
