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
for k in action addresser alias catch command decodedby deliverystatus destination diagnosticcode diagnostictype feedbackid feedbacktype \
         lhost listid messageid origin reason recipient replycode rhost senderdomain smtpagent smtpcommand \
         softbounce subject timestamp timezoneoffset token; do
  echo "$out" | jq -e ".[0] | has(\"$k\")" >/dev/null || { echo "missing $k"; exit 1; }
done
[ "$("$bin" --format sisimai "$src/corpus/not-ndr/not-ndr-01.eml")" = "[]" ]
# an ARF feedback report: one record per addressee, reason feedback (as Sisimai)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '%s\n' 'From: fbl@example.net' 'To: abuse@example.com' 'Subject: FW: spam' 'MIME-Version: 1.0' \
  'Content-Type: multipart/report; report-type=feedback-report; boundary="A"' '' '--A' 'Content-Type: text/plain' '' \
  'This is an email abuse report.' '' '--A' 'Content-Type: message/feedback-report' '' 'Feedback-Type: abuse' \
  'User-Agent: Example-FBL/1.0' 'Version: 1' '' '--A' 'Content-Type: message/rfc822' '' 'From: news@example.com' \
  'To: ana@example.net' 'Subject: offer' 'Message-ID: <m1@example.com>' '' 'body' '--A--' > "$tmp/arf.eml"
"$bin" --format sisimai "$tmp/arf.eml" | jq -e 'length == 1 and (.[0] | .recipient == "ana@example.net" and
  .reason == "feedback" and .feedbacktype == "abuse" and .smtpagent == "Feedback-Loop" and .decodedby == "Feedback-Loop")' >/dev/null
# a mailer's exit status keeps Sisimai's upper-case type
printf '%s\n' 'From: MAILER-DAEMON@mx.example.net' 'To: ana@example.com' 'MIME-Version: 1.0' \
  'Content-Type: multipart/report; report-type=delivery-status; boundary="B"' '' '--B' \
  'Content-Type: message/delivery-status' '' 'Reporting-MTA: dns; mx.example.net' '' \
  'Final-Recipient: rfc822; bo@example.net' 'Action: failed' 'Status: 5.0.0' 'Diagnostic-Code: X-Unix; 255' '' '--B--' > "$tmp/unix.eml"
"$bin" --format sisimai "$tmp/unix.eml" | jq -e '.[0].diagnostictype == "X-UNIX"' >/dev/null
if perl -MSisimai -e 1 2>/dev/null; then
  want=$(perl -MSisimai -e 'print Sisimai->dump($ARGV[0])' "$f" | jq -c '.[0] | [.token, .timestamp, .recipient, .addresser]')
  got=$(echo "$out" | jq -c '.[0] | [.token, .timestamp, .recipient, .addresser]')
  [ "$want" = "$got" ] || { echo "sisimai $want vs ndrscan $got"; exit 1; }
fi
