#!/usr/bin/env bash
# serve.sh - `ndrscan serve` on loopback: POST /api/analyze answers exactly what
# `ndrscan --json < FILE` prints; 413 over the body limit; markup in headers is
# plain JSON text; Host/Origin guards; GET /healthz; 10 parallel requests; slow
# and idle clients do not block others and are timed out; malformed requests
# do not stop the server; a non-loopback --listen needs --allow-remote.
# Loopback only, bounded loops; the server is stopped by this script.
set -euo pipefail
bin=$1 src=$2
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool not installed (tools/install-deps installs it)"; exit 77; }
done
tmp=$(mktemp -d)
pid=""
cleanup() {
  exec 5>&- 6>&- 8>&-
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- server log" >&2; tail -n 30 "$tmp/log" >&2 || true; exit 1; }
site=(--domain contoso.com)   # same site options for the server and the CLI

# --- refused without --allow-remote; warned with it (stops at the bad --knowledge before binding)
if "$bin" serve --listen 0.0.0.0:0 2> "$tmp/err"; then fail "non-loopback --listen accepted"; fi
grep -q -- "--allow-remote" "$tmp/err" || fail "no --allow-remote hint: $(cat "$tmp/err")"
"$bin" serve --listen 0.0.0.0:0 --allow-remote --knowledge "$tmp/none" 2> "$tmp/err" && fail "bad --knowledge accepted"
grep -q "warning: listening on 0.0.0.0" "$tmp/err" || fail "no warning for --allow-remote: $(cat "$tmp/err")"
"$bin" serve --listen 'not an address' 2>/dev/null && fail "bad --listen accepted"

# --- start on a free loopback port (port 0: the server prints the one it got)
"$bin" serve --listen 127.0.0.1:0 "${site[@]}" > "$tmp/out" 2> "$tmp/log" &
pid=$!
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$tmp/out")
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || fail "server exited at start"
  sleep 0.1
done
[ -n "$url" ] || fail "server did not start within 10 s"
case "$url" in http://127.0.0.1:[0-9]*/) ;; *) fail "unexpected URL $url" ;; esac
url=${url%/}
port=${url#http://127.0.0.1:}
echo "server at $url"

# An idle connection that never sends a byte: must be closed by the read timeout.
exec 5<>"/dev/tcp/127.0.0.1/$port"
idle_start=$(date +%s)
( timeout 20 cat <&5 > /dev/null; date +%s > "$tmp/idle_end" ) &
idle_reader=$!

# A client that sends half a request line and stalls: closed by the 10 s read timeout.
exec 8<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /api/analyze HT' >&8
( timeout 25 cat <&8 > /dev/null; date +%s > "$tmp/stall_end" ) &
stall_reader=$!

c() { curl -sS --max-time 20 "$@"; }

# --- health
[ "$(c "$url/healthz" | jq -r .status)" = ok ] || fail "/healthz"
[ "$(c "$url/healthz" | jq -r .max_body_bytes)" = 16777216 ] || fail "/healthz max_body_bytes"

# --- the page and its headers
c -D "$tmp/h" -o "$tmp/page" "$url/"
grep -qi '^content-type: text/html' "$tmp/h" || fail "page content type"
grep -qi "^content-security-policy: default-src 'none'" "$tmp/h" || fail "page CSP"
grep -qi '^x-content-type-options: nosniff' "$tmp/h" || fail "nosniff"
grep -q '<script src="/app.js"' "$tmp/page" || fail "page script tag"
if grep -Eq 'https?://[a-z]' "$tmp/page"; then fail "page names an external resource"; fi
c -o "$tmp/app.js" -w '%{http_code}' "$url/app.js" | grep -q 200 || fail "app.js"
if grep -q 'innerHTML\|outerHTML\|insertAdjacentHTML\|document.write' "$tmp/app.js"; then fail "app.js parses HTML"; fi
etag=$(sed -n 's/^[Ee][Tt]ag: *\(.*\)\r$/\1/p' "$tmp/h")
[ "$(c -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$url/")" = 304 ] || fail "ETag revalidation"

# --- the API equals the CLI, byte for byte, for every corpus sample
n=0
for f in "$src"/corpus/*/*.eml; do
  code=$(c -o "$tmp/api.json" -w '%{http_code}' --data-binary @"$f" -H 'Content-Type: message/rfc822' "$url/api/analyze")
  if ! "$bin" --json "${site[@]}" < "$f" > "$tmp/cli.json" 2> "$tmp/cli.err"; then
    # The CLI refuses it (exit 1, one stderr line): the API answers 422 with the same reason.
    [ "$code" = 422 ] || fail "CLI refused $f but the API answered $code"
    reason=$(jq -r .error "$tmp/api.json")
    grep -qF -- "$reason" "$tmp/cli.err" || fail "422 reason '$reason' is not the CLI's: $(cat "$tmp/cli.err")"
    continue
  fi
  [ "$code" = 200 ] || fail "API answered $code for $f"
  cmp -s "$tmp/api.json" "$tmp/cli.json" || {
    diff <(jq -S . "$tmp/api.json") <(jq -S . "$tmp/cli.json") | head -20 >&2
    fail "API differs from ndrscan --json for $f"
  }
  n=$((n + 1))
done
jq -S . "$tmp/api.json" > /dev/null || fail "API output is not JSON"
hyb="$src/corpus/hybrid/hybrid-01.eml"
c --data-binary @"$hyb" "$url/api/analyze" | jq -S . > "$tmp/a"
"$bin" --json "${site[@]}" < "$hyb" | jq -S . > "$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || fail "hybrid-01 differs (jq -S)"
[ "$(jq -r .rejected_by.class "$tmp/a")" = onprem ] || fail "site options not applied"
echo "API == CLI for $n samples"

# --- an mbox of two messages gives two JSON lines, as the CLI does
{ printf 'From a@example.com Tue Nov 12 09:15:01 2024\n'; cat "$hyb"; printf '\nFrom b@example.com Tue Nov 12 09:15:01 2024\n'; cat "$hyb"; } > "$tmp/two.mbox"
c -D "$tmp/h" --data-binary @"$tmp/two.mbox" "$url/api/analyze" > "$tmp/api.json"
"$bin" --json "${site[@]}" < "$tmp/two.mbox" > "$tmp/cli.json"
cmp -s "$tmp/api.json" "$tmp/cli.json" || fail "mbox differs from the CLI"
[ "$(wc -l < "$tmp/api.json")" -eq 2 ] || fail "mbox: expected 2 lines"
grep -qi '^content-type: application/x-ndjson' "$tmp/h" || fail "mbox content type"

# --- markup in headers is data: valid JSON, the text kept as written
payload='<script>alert("x")</script><img src=x onerror=alert(1)>'
{ printf 'Received: from a.example.com (a.example.com [192.0.2.1]) by b.example.net with ESMTPS; Tue, 12 Nov 2024 09:15:02 +0000\n'
  printf 'From: "%s" <evil@example.com>\nSubject: %s\nTo: x@example.com\n\nbody\n' "$payload" "$payload"; } > "$tmp/xss.eml"
c --data-binary @"$tmp/xss.eml" "$url/api/analyze" > "$tmp/x.json"
[ "$(jq -r .subject "$tmp/x.json")" = "$payload" ] || fail "subject with markup not kept as text"
"$bin" --json "${site[@]}" < "$tmp/xss.eml" | cmp -s - "$tmp/x.json" || fail "markup sample differs from the CLI"

# --- errors: empty body, wrong method, unknown path, multipart, guards
[ "$(c -o "$tmp/e" -w '%{http_code}' --data-binary '' "$url/api/analyze")" = 422 ] || fail "empty body status"
jq -e '.error | length > 0' "$tmp/e" > /dev/null || fail "empty body error text"
[ "$(c -o /dev/null -w '%{http_code}' "$url/api/analyze")" = 405 ] || fail "GET /api/analyze"
[ "$(c -o "$tmp/e" -w '%{http_code}' "$url/no/such/page")" = 404 ] || fail "404"
jq -e .error "$tmp/e" > /dev/null || fail "404 body is not JSON"
[ "$(c -o /dev/null -w '%{http_code}' -F "f=@$hyb" "$url/api/analyze")" = 415 ] || fail "multipart not refused"
[ "$(c -o /dev/null -w '%{http_code}' -H 'Host: attacker.example' "$url/healthz")" = 403 ] || fail "foreign Host accepted"
[ "$(c -o /dev/null -w '%{http_code}' -H 'Origin: http://attacker.example' --data-binary @"$hyb" "$url/api/analyze")" = 403 ] ||
  fail "foreign Origin accepted"
[ "$(c -o /dev/null -w '%{http_code}' -H "Origin: http://127.0.0.1:$port" --data-binary @"$hyb" "$url/api/analyze")" = 200 ] ||
  fail "own Origin refused"

# --- 20 MB: 413 with a clear message (with Expect: 100-continue, without, and chunked)
head -c $((20 * 1024 * 1024)) /dev/zero | tr '\0' 'a' > "$tmp/big"
code=$(c -o "$tmp/e" -w '%{http_code}' --data-binary @"$tmp/big" "$url/api/analyze")
[ "$code" = 413 ] || fail "20 MB (Expect) gave $code"
grep -q "16777216-byte limit" <<<"$(jq -r .error "$tmp/e")" || fail "413 message: $(cat "$tmp/e")"
code=$(c -o "$tmp/e" -w '%{http_code}' -H 'Expect:' --data-binary @"$tmp/big" "$url/api/analyze")
[ "$code" = 413 ] || fail "20 MB (no Expect) gave $code"
jq -e .limit_bytes "$tmp/e" > /dev/null || fail "413 body: $(cat "$tmp/e")"
code=$(c -o "$tmp/e" -w '%{http_code}' -H 'Transfer-Encoding: chunked' -H 'Expect:' --data-binary @"$tmp/big" "$url/api/analyze" || true)
[ "$code" = 413 ] || fail "20 MB chunked gave $code"
[ "$(c -o /dev/null -w '%{http_code}' "$url/healthz")" = 200 ] || fail "server gone after 413"

# --- malformed requests do not stop the server
printf 'GARBAGE\r\n\r\n' > "$tmp/bad"
exec 6<>"/dev/tcp/127.0.0.1/$port"
cat "$tmp/bad" >&6
timeout 5 head -c 12 <&6 > "$tmp/badresp" || true
exec 6>&-
grep -q '^HTTP/1.1 4' "$tmp/badresp" || fail "garbage request: $(cat "$tmp/badresp")"
printf 'POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999999999999\r\n\r\n' > "$tmp/bad"
exec 6<>"/dev/tcp/127.0.0.1/$port"
cat "$tmp/bad" >&6
timeout 5 head -c 12 <&6 > "$tmp/badresp" || true
exec 6>&-
grep -q '^HTTP/1.1 4' "$tmp/badresp" || fail "absurd Content-Length: $(cat "$tmp/badresp")"
[ "$(c -o /dev/null -w '%{http_code}' "$url/healthz")" = 200 ] || fail "server gone after malformed requests"

# --- 10 parallel requests, all answered identically
"$bin" --json "${site[@]}" < "$hyb" > "$tmp/expected"
pids=()
for i in $(seq 1 10); do
  c --data-binary @"$hyb" "$url/api/analyze" > "$tmp/par.$i" & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a parallel request failed"; done
for i in $(seq 1 10); do cmp -s "$tmp/par.$i" "$tmp/expected" || fail "parallel response $i differs"; done
echo "10 parallel requests ok"

# --- slow clients do not block others: 3 trickling uploads (4 KB at 1 KB/s)
head -c 4096 "$hyb" > "$tmp/slow.eml"
slow=()
for i in 1 2 3; do
  c --limit-rate 1K -o "$tmp/slow.$i" --data-binary @"$tmp/slow.eml" "$url/api/analyze" & slow+=($!)
done
sleep 0.5
t0=$(date +%s%N)
for i in 1 2 3 4 5; do c -o /dev/null --data-binary @"$hyb" "$url/api/analyze"; done
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
[ "$ms" -lt 3000 ] || fail "5 requests took ${ms} ms while slow clients were uploading"
echo "5 requests in ${ms} ms beside 3 slow uploads"
for p in "${slow[@]}"; do wait "$p" || fail "a slow upload failed"; done
for i in 1 2 3; do jq -e .schema_version "$tmp/slow.$i" > /dev/null || fail "slow upload $i not answered"; done

# --- the idle connection is closed by a timeout (5 s keep-alive wait before the first byte)
wait "$idle_reader" || true
idle_s=$(( $(cat "$tmp/idle_end") - idle_start ))
[ "$idle_s" -lt 19 ] || fail "idle connection still open after ${idle_s} s"
exec 5>&-
echo "idle connection closed after ${idle_s} s"
wait "$stall_reader" || true
stall_s=$(( $(cat "$tmp/stall_end") - idle_start ))
[ "$stall_s" -ge 9 ] && [ "$stall_s" -lt 15 ] || fail "stalled request closed after ${stall_s} s (expected ~10)"
exec 8>&-
echo "stalled request closed after ${stall_s} s"

# --- stop: SIGTERM ends it cleanly
kill -TERM "$pid"
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then fail "server still running 5 s after SIGTERM"; fi
wait "$pid" || fail "server exit status $? after SIGTERM"
pid=""
grep -q "stopped" "$tmp/log" || fail "no stop message"
echo "serve: all checks passed"
