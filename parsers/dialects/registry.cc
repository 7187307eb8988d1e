// registry.cc - the ordered table of bounce dialects.
//
// Order matters: specific dialects first, generic ones last. Each group of
// dialects lives in its own files (<group>.h declares detect/parse pairs,
// registry_<group>.inc lists its rows) so groups are added without editing
// one shared list. The generic X-Failed-Recipients / embedded-DSN readers
// come last (generic.inc).
#include <array>

#include "parsers/dialects/dialect.h"
#include "parsers/dialects/exim.h"
#include "parsers/dialects/generic.h"
#include "parsers/dialects/microsoft.h"
#include "parsers/dialects/more.h"
#include "parsers/dialects/qmail.h"
#include "parsers/dialects/sendmail.h"

namespace ndrscan::dialects {

namespace {
constexpr Dialect kRegistry[] = {
#include "parsers/dialects/registry_microsoft.inc"
#include "parsers/dialects/registry_exim.inc"
#include "parsers/dialects/registry_sendmail.inc"
    {"qmail", qmail_detect, qmail_parse},
#include "parsers/dialects/registry_more.inc"
#include "parsers/dialects/registry_generic.inc"
};
}  // namespace

std::span<const Dialect> registry() { return kRegistry; }

std::string run_dialects(const BounceText& b, DialectFacts* out) {
  for (const Dialect& d : registry()) {
    if (!d.detect(b)) continue;
    DialectFacts facts;
    if (d.parse(b, &facts)) {
      *out = std::move(facts);
      return std::string(d.name);
    }
  }
  return {};
}

}  // namespace ndrscan::dialects
