#!/usr/bin/env bash
# --format sisimai: one JSON array with Sisimai's dump field names; when
# Debian's libsisimai-perl is installed, the same token and timestamp.
set -euo pipefail
bin=$1 src=$2
f="$src/corpus/postfix/postfix-01.eml"
out=$("$bin" --format sisimai "$f" "$src/corpus/postfix/postfix-03.eml")
echo "$out" | jq -e 'type == "array" and length == 3' >/dev/null
echo "$out" | jq -e '.[0] | .recipient == "bob@example.org" and .reason == "userunknown" and .deliverystatus == "5.1.1"
  and .replycode == "550" and .smtpagent == "Postfix" and .hardbounce == 1' >/dev/null
for k in action addresser alias catch deliverystatus destination diagnosticcode diagnostictype feedbacktype \
         lhost listid messageid origin reason recipient replycode rhost senderdomain smtpagent smtpcommand \
         softbounce subject timestamp timezoneoffset token; do
  echo "$out" | jq -e ".[0] | has(\"$k\")" >/dev/null || { echo "missing $k"; exit 1; }
done
[ "$("$bin" --format sisimai "$src/corpus/not-ndr/not-ndr-01.eml")" = "[]" ]
if perl -MSisimai -e 1 2>/dev/null; then
  want=$(perl -MSisimai -e 'print Sisimai->dump($ARGV[0])' "$f" | jq -c '.[0] | [.token, .timestamp, .recipient, .addresser]')
  got=$(echo "$out" | jq -c '.[0] | [.token, .timestamp, .recipient, .addresser]')
  [ "$want" = "$got" ] || { echo "sisimai $want vs ndrscan $got"; exit 1; }
fi
