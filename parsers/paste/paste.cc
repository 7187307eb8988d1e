// paste.cc - paste repair (first version: no repairs yet).
#include "parsers/paste/paste.h"

namespace ndrscan::paste {

std::optional<std::string> prepare(std::string_view, Mode, std::vector<Diagnostic>*) { return std::nullopt; }

}  // namespace ndrscan::paste
