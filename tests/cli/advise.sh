#!/usr/bin/env bash
# `ndrscan advise`: scenario advice (text and JSON), usage errors, and the
# offline SPF checks with their exit codes.
set -uo pipefail
bin=$1
src=$2
k=(--knowledge "$src/knowledge")
fail=0
problem() { echo "advise: $*" >&2; fail=1; }
# run WANT_RC ARGS... - run, keep stdout in $out and stderr in $err
run() {
  local want=$1
  shift
  out=$("$bin" advise "${k[@]}" "$@" 2>/tmp/advise-err.$$)
  local rc=$?
  err=$(cat /tmp/advise-err.$$)
  [ "$rc" = "$want" ] || problem "advise $*: exit $rc, want $want; stderr: $err"
}
trap 'rm -f /tmp/advise-err.$$' EXIT
has() { grep -qF -- "$1" <<<"$out" || problem "$2: no '$1' in output"; }

run 0 --mailboxes office365 --entry office365 --domain contoso.com
has "IN MX 0 contoso-com.mail.protection.outlook.com" "office365/office365"
has "v=spf1 include:spf.protection.outlook.com -all" "office365/office365"
has "Set-AcceptedDomain -Identity contoso.com -DomainType Authoritative" "office365/office365"

run 0 --mailboxes hybrid --entry filter --filter mimecast --domain contoso.com
has "include:_netblocks.mimecast.com" "hybrid/filter"
has "New-InboundConnector -Name \"Inbound from Mimecast\"" "hybrid/filter"
has "-EFSkipIPs" "hybrid/filter"
has "ndrscan explain coexistence.enhanced-filtering-not-configured" "hybrid/filter"

run 0 --mailboxes hybrid --entry onprem --domain contoso.com
has "ms-Exch-SMTP-Accept-Any-Recipient" "hybrid/onprem"
has "Start-EdgeSynchronization" "hybrid/onprem"

run 0 --mailboxes gsuite --entry filter --filter trend-micro
has "IN MX 10 in.hes.trendmicro.com" "gsuite/filter"
has "include:_spf.google.com" "gsuite/filter"
has "Still placeholders: <domain>" "gsuite/filter"

run 0 --list
has "--mailboxes hybrid" "--list"

# JSON
run 0 --mailboxes office365 --entry filter --filter proofpoint --domain contoso.com --json
python3 -c 'import json,sys; j=json.load(sys.stdin); s=j["scenario"]; assert s["entry"]=="filter" and s["mx"][0]=="10 mx1-us1.ppe-hosted.com", s; assert "spf_check" not in j' <<<"$out" ||
  problem "--json scenario"

# Usage errors: exit 2
run 2 --mailboxes office365 --entry onprem
grep -qF -- "--mailboxes hybrid --entry filter" <<<"$err" || problem "unknown combination does not list the valid ones: $err"
run 2 --mailboxes office356 --entry office365
grep -qF "did you mean 'office365'" <<<"$err" || problem "no did-you-mean for --mailboxes: $err"
run 2 --mailboxes hybrid
run 2 --mailboxes hybrid --entry filter --filter mimecats
grep -qF "did you mean 'mimecast'" <<<"$err" || problem "no did-you-mean for --filter: $err"
run 2 --mailboxes hybrid --entry filter --domain 'not a domain'
run 2 --bogus
run 2
run 2 --spf

# SPF checks: exit 1 on an error, 0 otherwise
run 1 --spf 'v=spf1 include: spf.protection.outlook.com ~all'
has "fix: include:spf.protection.outlook.com" "include with a space"
has "ndrscan explain dns-spf.include-with-space" "include with a space"
run 0 --spf 'v=spf1 include:spf.protection.outlook.com -all'
has "no problem found" "clean record"
run 0 --spf 'v=spf1 include:spf.protection.outlook.com ~all'
has "softfail" "~all"
run 1 --spf 'v=spf1 include:spf.protection.outlook.com -all' --spf 'v=spf1 include:_spf.google.com -all'
has "2 v=spf1 records" "two records"
run 1 --spf 'v=spf1 include:contoso-com.mail.protection.outlook.com -all'
has "publishes no SPF record" "MX host include"
# with a scenario: the providers' includes
run 1 --mailboxes gsuite --entry filter --filter trend-micro --spf 'v=spf1 include:spf.protection.outlook.com -all'
has "include:_spf.google.com is missing" "gsuite/filter SPF"
has "include:spf.tmes.trendmicro.com is missing" "gsuite/filter SPF"
run 0 --mailboxes office365 --entry office365 --spf 'v=spf1 include:spf.protection.outlook.com -all' --json
python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["spf_check"]["findings"]==[] and j["scenario"]["mailboxes"]=="office365"' <<<"$out" ||
  problem "--json with --spf"
run 1 --spf 'v=spf1 ip4:192.0.2.1,192.0.2.2 -all' --json
python3 -c 'import json,sys; j=json.load(sys.stdin); f=j["spf_check"]["findings"][0]; assert f["code"]=="comma-separated" and f["severity"]=="error" and f["cause"]=="dns-spf.comma-separated-terms", f' <<<"$out" ||
  problem "--json findings"
# hostile: a 10 KB record and 200 includes finish and stay bounded
big="v=spf1$(for i in $(seq 1 200); do printf ' include:s%d.example.com' "$i"; done) -all"
run 1 --spf "$big"
has "at least 200 DNS-querying terms" "200 includes"

# help lists every option
help=$("$bin" advise --help)
for o in --mailboxes --entry --domain --filter --spf --json --list --knowledge; do
  grep -qF -- "$o" <<<"$help" || problem "--help lacks $o"
done
grep -q "advise" <<<"$("$bin" --help)" || problem "ndrscan --help does not list advise"
exit $fail
