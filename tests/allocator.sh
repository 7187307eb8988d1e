#!/usr/bin/env bash
# allocator.sh BIN - the ndrscan executable's malloc is jemalloc's, as
# CMakeLists.txt (NDRSCAN_JEMALLOC) and docs/architecture.md ("Allocator")
# say: asked to, jemalloc prints its statistics at exit. glibc's malloc
# ignores MALLOC_CONF, so a link order that let glibc win would fail here.
set -euo pipefail
bin=$1
err=$(MALLOC_CONF=stats_print:true "$bin" --version 2>&1 >/dev/null)
if ! grep -q '^___ Begin jemalloc statistics ___' <<<"$err"; then
  echo "allocator: $bin does not allocate through jemalloc" >&2
  exit 1
fi
