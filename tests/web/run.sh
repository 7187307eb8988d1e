#!/usr/bin/env bash
# run.sh - the browser test of `ndrscan serve` (CTest "web: browser").
#
#   tests/web/run.sh NDRSCAN_BINARY SOURCE_DIR OUTPUT_DIR
#
# Installs what it needs when missing: Debian's chromium (apt-get, as root or
# with sudo) and playwright-core (npm ci from package-lock.json, into
# tests/web/node_modules, which is not committed). Playwright never downloads
# a browser: it drives /usr/bin/chromium. Exits 77 (skipped) when chromium or
# node cannot be had. Screenshots: OUTPUT_DIR/screenshot.png (1280 px) and
# OUTPUT_DIR/screenshot-800.png.
set -euo pipefail
bin=$1 src=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
chromium=${NDRSCAN_CHROMIUM:-/usr/bin/chromium}

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "skipped: node and npm are needed (Node.js 20)"
  exit 77
fi
if [ ! -x "$chromium" ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo="sudo -n"
  if [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; then
    echo "run.sh: installing Debian's chromium"
    (
      # one apt at a time, whoever else is installing
      export DEBIAN_FRONTEND=noninteractive
      $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 ||
        { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends chromium; }
    ) || true
  fi
fi
if [ ! -x "$chromium" ]; then
  echo "skipped: $chromium missing (Debian package chromium; apt-get install chromium)"
  exit 77
fi

# playwright-core at the version package-lock.json pins; npm ci only when it is
# not already there (one install at a time: ctest may run tests in parallel).
want=$(node -e 'console.log(require(process.argv[1]).packages["node_modules/playwright-core"].version)' "$here/package-lock.json")
have=$(node -e 'try { console.log(require(process.argv[1]).version) } catch (e) { console.log("") }' \
  "$here/node_modules/playwright-core/package.json")
if [ "$have" != "$want" ]; then
  echo "run.sh: npm ci (playwright-core $want)"
  (
    flock -w 300 9 || true
    cd "$here" && npm ci --no-audit --no-fund --loglevel=error
  ) 9>"${TMPDIR:-/tmp}/ndrscan-web-npm.lock"
fi

mkdir -p "$out"
cd "$here"
exec node browser.test.mjs "$bin" "$src" "$out"
