// registry.cc - the ordered table of bounce dialects.
//
// Order matters: specific dialects first, generic ones last. Add a dialect
// by writing <mta>.h/.cc beside this file and one row here.
#include <array>

#include "parsers/dialects/dialect.h"
#include "parsers/dialects/qmail.h"

namespace ndrscan::dialects {

namespace {
constexpr std::array<Dialect, 1> kRegistry{{
    {"qmail", qmail_detect, qmail_parse},
}};
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
